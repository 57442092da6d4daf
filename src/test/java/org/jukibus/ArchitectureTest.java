package org.jukibus;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package structure, drawn from the product's classes (docs/architecture.md, "Package structure"): it
 * fails the build when a change ties two packages into a cycle or makes a package depend on the wiring.
 */
@AnalyzeClasses(packages = "org.jukibus", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Every package (each flow package on its own) depends on others in one direction only. */
    @ArchTest
    static final ArchRule no_package_cycles = slices().matching("org.jukibus.(**)").should().beFreeOfCycles();

    /**
     * node/ is the Spring wiring of a node: it may use every package, and only the commands that start whole
     * nodes (the jukibus command itself, the demo network; the benchmark, built apart in bench/) use it.
     */
    @ArchTest
    static final ArchRule nobody_depends_on_the_wiring = noClasses()
            .that().resideOutsideOfPackages("org.jukibus", "org.jukibus.node..", "org.jukibus.demo..")
            .should().dependOnClassesThat().resideInAPackage("org.jukibus.node..");
}
