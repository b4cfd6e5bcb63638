package org.sheetlab.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No package cycles in the main code of any module: for each pair of packages, at most one depends on the other,
 * directly or through others. A dependency is any reference to a type of another {@code org.sheetlab} package in a
 * main source file, by import (static or not, wildcard or not) or by fully qualified name in the code; comments and
 * string literals do not count. A failure lists each cycle's packages and, per edge, the files that make it.
 *
 * <p>A source scan rather than a bytecode one (jdeps, ArchUnit) because it needs no compiled classes of the other
 * modules and sees the same thing a reader does; it would miss only a dependency the compiler infers without a name
 * (a method's return type used through {@code var}), which no module relies on to reach another package.
 */
class PackageCyclesTest {
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    /** org.sheetlab.a.b.Type, org.sheetlab.a.b.* : the package is everything before the first capital or star. */
    private static final Pattern REFERENCE = Pattern.compile("\\b(org\\.sheetlab(?:\\.[a-z_][\\w]*)*)\\.(?:[A-Z]|\\*)");

    private static final Pattern COMMENTS_AND_STRINGS = Pattern.compile(
            "/\\*.*?\\*/|//[^\\n]*|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*'",
            Pattern.DOTALL);

    /** package → package it depends on → the files that make the edge. */
    static Map<String, Map<String, Set<String>>> dependencies(Path modules) throws IOException {
        Map<String, Map<String, Set<String>>> edges = new TreeMap<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(modules)) {
            sources = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().replace(File.separatorChar, '/').contains("/src/main/java/"))
                    .filter(p -> !p.getFileName().toString().equals("package-info.java"))
                    .sorted()
                    .toList();
        }
        for (Path source : sources) {
            String code = COMMENTS_AND_STRINGS.matcher(Files.readString(source)).replaceAll(" ");
            Matcher pkg = PACKAGE.matcher(code);
            if (!pkg.find()) {
                continue;
            }
            String from = pkg.group(1);
            Matcher ref = REFERENCE.matcher(code);
            while (ref.find()) {
                String to = ref.group(1);
                if (!to.equals(from)) {
                    edges.computeIfAbsent(from, k -> new TreeMap<>())
                            .computeIfAbsent(to, k -> new TreeSet<>())
                            .add(modules.relativize(source).toString());
                }
            }
        }
        return edges;
    }

    /** The strongly connected components with more than one package (Tarjan's algorithm), each sorted. */
    static List<List<String>> cycles(Map<String, Map<String, Set<String>>> edges) {
        Set<String> nodes = new TreeSet<>(edges.keySet());
        edges.values().forEach(m -> nodes.addAll(m.keySet()));
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<List<String>> found = new ArrayList<>();
        for (String n : nodes) {
            if (!index.containsKey(n)) {
                connect(n, edges, index, low, stack, onStack, found);
            }
        }
        return found;
    }

    private static void connect(
            String v,
            Map<String, Map<String, Set<String>>> edges,
            Map<String, Integer> index,
            Map<String, Integer> low,
            Deque<String> stack,
            Set<String> onStack,
            List<List<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : edges.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                connect(w, edges, index, low, stack, onStack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                found.add(component);
            }
        }
    }

    /** One line per cycle, then one per edge inside it with the files that make the edge. */
    static String describe(List<List<String>> cycles, Map<String, Map<String, Set<String>>> edges) {
        StringBuilder out = new StringBuilder();
        for (List<String> cycle : cycles) {
            out.append("cycle ").append(cycle).append('\n');
            for (String from : cycle) {
                for (String to : cycle) {
                    Set<String> files = edges.getOrDefault(from, Map.of()).get(to);
                    if (files != null) {
                        out.append("  ")
                                .append(from)
                                .append(" -> ")
                                .append(to)
                                .append(": ")
                                .append(files)
                                .append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    private static Path modulesFolder() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("modules").resolve("sheetlab-core"))) {
                return p.resolve("modules");
            }
        }
        throw new IllegalStateException(
                "no modules/sheetlab-core above " + Path.of("").toAbsolutePath());
    }

    @Test
    void theMainCodeHasNoPackageCycles() throws IOException {
        Map<String, Map<String, Set<String>>> edges = dependencies(modulesFolder());
        assertThat(edges).as("the scan found the modules' packages").containsKey("org.sheetlab.experiments.cli");
        List<List<String>> cycles = cycles(edges);
        assertThat(cycles)
                .as("package cycles (move a class to where its dependency points):%n%s", describe(cycles, edges))
                .isEmpty();
    }

    /** The scanner sees imports, wildcard and static imports and fully qualified names, and ignores comments and text. */
    @Test
    void theScannerFindsEveryKindOfReferenceAndOnlyThose(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        Path a = Files.createDirectories(tmp.resolve("m/src/main/java/org/sheetlab/a"));
        Path b = Files.createDirectories(tmp.resolve("m/src/main/java/org/sheetlab/b"));
        Path c = Files.createDirectories(tmp.resolve("m/src/main/java/org/sheetlab/c"));
        Path d = Files.createDirectories(tmp.resolve("m/src/main/java/org/sheetlab/d"));
        Files.writeString(a.resolve("A.java"), "package org.sheetlab.a;\nimport org.sheetlab.b.B;\nclass A {}\n");
        Files.writeString(b.resolve("B.java"), "package org.sheetlab.b;\nclass B { org.sheetlab.a.A a; }\n");
        Files.writeString(
                c.resolve("C.java"),
                "package org.sheetlab.c;\nimport static org.sheetlab.d.D.f;\n"
                        + "import org.sheetlab.a.*;\n/** {@link org.sheetlab.b.B} */\nclass C { String s = \"org.sheetlab.b.B\"; }\n");
        Files.writeString(d.resolve("D.java"), "package org.sheetlab.d;\n// org.sheetlab.c.C\nclass D {}\n");
        Map<String, Map<String, Set<String>>> edges = dependencies(tmp.resolve("m"));
        assertThat(edges.get("org.sheetlab.c")).containsOnlyKeys("org.sheetlab.d", "org.sheetlab.a");
        assertThat(edges).doesNotContainKey("org.sheetlab.d");
        assertThat(cycles(edges)).containsExactly(List.of("org.sheetlab.a", "org.sheetlab.b"));
        assertThat(describe(cycles(edges), edges))
                .contains("org.sheetlab.b -> org.sheetlab.a: [src/main/java/org/sheetlab/b/B.java]");
    }
}
