package dev.fluxion.processor.model;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;

/** The origin of an IR node: the tree to underline and the file it is in. */
public record SourceRef(Tree tree, CompilationUnitTree unit) {}
