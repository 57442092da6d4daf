package org.jukibus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Class lists of the JVM's class-data sharing ({@code -XX:DumpLoadedClassList}, {@code -XX:SharedClassListFile}). */
final class ClassLists {

    private ClassLists() {
    }

    /** How many classes {@code loaded} names that {@code list} does not (comments and {@code @} lines aside). */
    static long missing(Path list, Path loaded) throws IOException {
        Set<String> have = names(list);
        try (Stream<String> lines = Files.lines(loaded)) {
            return lines.map(ClassLists::name).filter(n -> !n.isEmpty()).distinct().filter(n -> !have.contains(n)).count();
        }
    }

    private static Set<String> names(Path list) throws IOException {
        try (Stream<String> lines = Files.lines(list)) {
            return lines.map(ClassLists::name).filter(n -> !n.isEmpty()).collect(Collectors.toSet());
        }
    }

    /** The class name of a line ("a/b/C id: 12" gives "a/b/C"), empty for a comment or an {@code @} line. */
    static String name(String line) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#") || l.startsWith("@")) {
            return "";
        }
        int space = l.indexOf(' ');
        return space < 0 ? l : l.substring(0, space);
    }
}
