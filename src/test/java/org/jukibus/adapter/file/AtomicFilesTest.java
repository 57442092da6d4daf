package org.jukibus.adapter.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
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
        assertThatCode(() -> AtomicFiles.forceFolder(Path.of("/proc/self"))).doesNotThrowAnyException();
        assertThatCode(() -> AtomicFiles.forceFolder(dir)).doesNotThrowAnyException();
    }
}
