package org.jukibus.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node.jar digest of the extracted layout (jukibus.jar + lib/): the libraries the JVM loads are approved with it. */
class NodeProgramTest {

    @TempDir
    Path dir;

    @Test
    void a_self_contained_jar_is_approved_by_its_own_digest() throws Exception {
        Path jar = jar(dir.resolve("jukibus.jar"), null, "org/x/A.class");
        assertThat(NodeProgram.ofJar(jar).digests().get(ProgramFiles.JAR))
                .isEqualTo(org.jukibus.audit.Sha256.hex(Files.readAllBytes(jar)));
    }

    @Test
    void a_changed_library_of_the_class_path_changes_the_digest() throws Exception {
        Path lib = jar(dir.resolve("lib/camel-core.jar"), null, "org/apache/camel/A.class");
        Path jar = jar(dir.resolve("jukibus.jar"), "lib/camel-core.jar lib/artemis.jar", "org/jukibus/A.class");
        jar(dir.resolve("lib/artemis.jar"), null, "org/apache/activemq/B.class");
        String approved = NodeProgram.ofJar(jar).digests().get(ProgramFiles.JAR);
        assertThat(approved).isNotEqualTo(org.jukibus.audit.Sha256.hex(Files.readAllBytes(jar)));

        jar(lib, null, "org/apache/camel/A.class", "org/apache/camel/Injected.class");

        assertThat(NodeProgram.ofJar(jar).digests().get(ProgramFiles.JAR)).isNotEqualTo(approved);
    }

    @Test
    void a_library_named_by_a_library_is_covered_too() throws Exception {
        Path jar = jar(dir.resolve("jukibus.jar"), "lib/a.jar", "org/jukibus/A.class");
        jar(dir.resolve("lib/a.jar"), "b.jar", "a/A.class");
        Path b = jar(dir.resolve("lib/b.jar"), null, "b/B.class");
        String approved = NodeProgram.ofJar(jar).digests().get(ProgramFiles.JAR);

        jar(b, null, "b/B.class", "b/Evil.class");

        assertThat(NodeProgram.ofJar(jar).digests().get(ProgramFiles.JAR)).isNotEqualTo(approved);
    }

    @Test
    void a_missing_library_is_refused_not_skipped() throws Exception {
        Path jar = jar(dir.resolve("jukibus.jar"), "lib/gone.jar", "org/jukibus/A.class");
        assertThatThrownBy(() -> NodeProgram.ofJar(jar)).isInstanceOf(IOException.class).hasMessageContaining("gone.jar")
                .hasMessageContaining("not there");
    }

    @Test
    void the_schemas_at_the_root_of_an_extracted_jar_are_approved() throws Exception {
        Path jar = jar(dir.resolve("jukibus.jar"), null, "schemas/envelope.xsd");
        assertThat(NodeProgram.ofJar(jar).digests()).containsKey("schemas/envelope.xsd");
    }

    private static Path jar(Path path, String classPath, String... entries) throws IOException {
        Files.createDirectories(path.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(path), manifest)) {
            for (String e : entries) {
                out.putNextEntry(new JarEntry(e));
                out.write(e.getBytes(StandardCharsets.UTF_8));
            }
        }
        return path;
    }
}
