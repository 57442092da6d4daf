package org.jukibus.adapter.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files a legacy system watches are written whole, and their folder forced where the file system can. */
class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void every_file_is_in_place_with_no_hidden_file_left() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("a.xml", "<a/>".getBytes());
        files.put("b.xml", "<b/>".getBytes());
        AtomicFiles.writeAll(dir, files);

        assertThat(dir.resolve("a.xml")).hasContent("<a/>");
        assertThat(dir.resolve("b.xml")).hasContent("<b/>");
        try (var listed = Files.list(dir)) {
            assertThat(listed.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a.xml", "b.xml");
        }
    }

    @Test
    void a_folder_whose_file_system_cannot_force_it_is_let_be() {
        // procfs answers a folder's fsync with EINVAL, as file systems without folder fsync do
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "a Linux procfs");
        assertThat(AtomicFiles.canForce(Path.of("/proc/self"), forceForReal())).isFalse();
        assertThat(AtomicFiles.canForce(dir, forceForReal())).isTrue();
    }

    @Test
    void whether_a_folder_can_be_forced_does_not_depend_on_the_error_text_of_the_locale() {
        Path japanese = dir.resolve("ja");
        // EINVAL as a Japanese-locale JVM words it: still "cannot force", not a failure of every write
        assertThat(AtomicFiles.canForce(japanese, d -> {
            throw new java.io.IOException("無効な引数です");
        })).isFalse();
    }

    @Test
    void a_folder_that_could_be_forced_and_then_fails_to_be_is_a_failure() {
        Path folder = dir.resolve("eio");
        assertThat(AtomicFiles.canForce(folder, d -> { })).isTrue();
        // decided once: the failure after the renames (EIO, "Invalid argument" alike) is thrown, the files not recorded
        assertThat(AtomicFiles.canForce(folder, d -> {
            throw new java.io.IOException("probed again");
        })).isTrue();
        assertThatThrownBy(() -> AtomicFiles.forceFolder(folder, d -> {
            throw new java.io.IOException("Input/output error");
        })).hasMessageContaining("was not forced to disk").hasMessageContaining("Input/output error");
    }

    private static AtomicFiles.FolderForce forceForReal() {
        return d -> {
            try (java.nio.channels.FileChannel f = java.nio.channels.FileChannel.open(d, java.nio.file.StandardOpenOption.READ)) {
                f.force(true);
            }
        };
    }
}
