package dev.fluxion.processor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The processor's packages form layers, as Dagger's compiler does ({@code binding/} read by
 * {@code validation/} and {@code writing/}): {@code ir} (the IR) and {@code model} (the data one
 * phase makes and others read: diagnostics and their messages, derived methods, generated names,
 * input specs) at the bottom; the phases {@code parse}, {@code check}, {@code diff}, {@code opt},
 * {@code verify}, {@code write} and {@code rules} above them; {@code FluxionProcessor} on top.
 * No two packages depend on each other, and no phase reaches back into the processor.
 */
class PackageDependencyTest {
    private static final JavaClasses PROCESSOR = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // also where -Dfluxion.buildDir moves target/ (ArchUnit's option knows target/test-classes only)
            .withImportOption(location -> !location.contains("/test-classes/"))
            .importPackages("dev.fluxion.processor");

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("dev.fluxion.processor.(*)..").should().beFreeOfCycles().check(PROCESSOR);
    }

    @Test
    void phasesDoNotDependOnTheProcessorItself() {
        noClasses().that().resideInAPackage("dev.fluxion.processor.*..")
                .should().dependOnClassesThat().resideInAPackage("dev.fluxion.processor")
                .check(PROCESSOR);
    }

    @Test
    void theIrAndTheModelDependOnNoPhase() {
        noClasses().that().resideInAnyPackage("dev.fluxion.processor.ir..", "dev.fluxion.processor.model..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fluxion.processor.parse..",
                        "dev.fluxion.processor.check..", "dev.fluxion.processor.diff..", "dev.fluxion.processor.opt..",
                        "dev.fluxion.processor.verify..", "dev.fluxion.processor.write..", "dev.fluxion.processor.rules..",
                        "dev.fluxion.processor.fwd..")
                .check(PROCESSOR);
    }

    @Test
    void theIrDependsOnNothingElseOfTheProcessor() {
        noClasses().that().resideInAPackage("dev.fluxion.processor.ir..")
                .should().dependOnClassesThat().resideInAPackage("dev.fluxion.processor.model..")
                .check(PROCESSOR);
    }
}
