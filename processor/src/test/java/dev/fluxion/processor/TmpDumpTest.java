package dev.fluxion.processor;
import org.junit.jupiter.api.Test;
class TmpDumpTest {
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "dump.src", matches = ".+")
    @Test void dump() throws Exception {
        String src = java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("dump.src")));
        Generated g = Generated.compile(System.getProperty("dump.cls"), src);
        java.nio.file.Files.writeString(java.nio.file.Path.of("/tmp/dump-out.java"), g.source(System.getProperty("dump.cls") + "Grad"));
    }
}
