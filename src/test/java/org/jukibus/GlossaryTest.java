package org.jukibus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jukibus.flow.Flows;
import org.junit.jupiter.api.Test;

/** docs/glossary.md names classes and flow ids that exist, and every flow of this version. */
class GlossaryTest {

    private static final Pattern ROW = Pattern.compile("^\\|([^|]+)\\|([^|]+)\\|([^|]*)\\|([^|]*)\\|$", Pattern.MULTILINE);
    private static final Pattern CLASS = Pattern.compile("`([a-z][a-z.]*\\.[A-Z]\\w*)`");

    @Test
    void every_class_and_flow_named_exists_and_every_flow_is_named() throws IOException {
        String glossary = Files.readString(Path.of("docs/glossary.md"));
        Set<String> flowIds = new LinkedHashSet<>();
        Matcher row = ROW.matcher(glossary);
        int rows = 0;
        while (row.find()) {
            rows++;
            Matcher cls = CLASS.matcher(row.group(3));
            while (cls.find()) {
                String name = "org.jukibus." + cls.group(1);
                assertThat(exists(name)).as(name + " named in docs/glossary.md").isTrue();
            }
            String flow = row.group(4).replace("`", "").trim();
            if (!flow.isEmpty() && !flow.equals("flow id") && !flow.startsWith("---")) { // not the header rows
                flowIds.add(flow);
            }
        }
        assertThat(rows).isGreaterThan(20);
        assertThat(flowIds).containsExactlyInAnyOrderElementsOf(Flows.standard().names());
    }

    private static boolean exists(String className) {
        try {
            Class.forName(className, false, GlossaryTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
