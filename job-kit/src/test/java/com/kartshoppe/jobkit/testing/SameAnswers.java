package com.kartshoppe.jobkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Proof that a change keeps a job's answers: the answers a job gave on a fixed input before the
 * change are kept as a CSV fixture under {@code src/test/resources/<fixture>/}, and a test compares
 * every answer of the changed job with them. A difference the change makes on purpose is declared
 * by kind with its exact count; anything else fails with each kind, its count and examples.
 *
 * <pre>{@code
 * SameAnswers same = new SameAnswers(MyITCase.class, "same-answers");
 * if (SameAnswers.writing()) { same.write("answers.csv", HEADER, lines); fail("fixture written"); }
 * List<String> recorded = same.read("answers.csv", HEADER);
 * SameAnswers.assertOnlyIntended(SameAnswers.differences(before, now, Answer::id, Answer::kind),
 *         Map.of(), "same-answers/answers.csv");
 * }</pre>
 *
 * <p>The fixture is written by the job as it is <em>before</em> a change ({@code
 * -Dsame-answers.write=true}), never to make a failing run pass.
 */
public final class SameAnswers {

    /** The system property that makes a test write its fixture instead of comparing. */
    public static final String WRITE_PROPERTY = "same-answers.write";

    private static final int EXAMPLES = 5;

    private final Class<?> test;
    private final String fixture;

    /**
     * @param test the test class, whose class loader finds the fixture
     * @param fixture the fixture's directory under {@code src/test/resources}
     */
    public SameAnswers(Class<?> test, String fixture) {
        this.test = test;
        this.fixture = fixture;
    }

    /** Whether this run writes fixtures ({@code -Dsame-answers.write=true}). */
    public static boolean writing() {
        return Boolean.getBoolean(WRITE_PROPERTY);
    }

    /** Where {@link #write} writes: the module's {@code src/test/resources/<fixture>}. */
    public Path directory() {
        return Path.of(System.getProperty("basedir", "."), "src/test/resources", fixture);
    }

    /** The fixture file {@code name} as a stream; fails the test naming it when it is missing. */
    public InputStream resource(String name) {
        InputStream in = test.getResourceAsStream("/" + fixture + "/" + name);
        assertThat(in)
                .as("test resource %s/%s (see %s's Javadoc)", fixture, name, test.getSimpleName())
                .isNotNull();
        return in;
    }

    /**
     * The lines of CSV fixture {@code name} after its header, which must be {@code header}; a name
     * ending in {@code .gz} is read through gzip.
     */
    public List<String> read(String name, String header) throws IOException {
        InputStream raw = resource(name);
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(
                                name.endsWith(".gz") ? new GZIPInputStream(raw) : raw,
                                StandardCharsets.UTF_8))) {
            assertThat(in.readLine()).as("header of %s/%s", fixture, name).isEqualTo(header);
            return in.lines().toList();
        }
    }

    /**
     * Writes CSV fixture {@code name}: {@code header}, then {@code lines}; gzipped when the name
     * ends in {@code .gz}.
     */
    public Path write(String name, String header, List<String> lines) throws IOException {
        Path file = Files.createDirectories(directory()).resolve(name);
        try (OutputStream raw = Files.newOutputStream(file);
                Writer out =
                        new OutputStreamWriter(
                                name.endsWith(".gz") ? new GZIPOutputStream(raw) : raw,
                                StandardCharsets.UTF_8)) {
            out.write(header + "\n");
            for (String line : lines) {
                out.write(line + "\n");
            }
        }
        return file;
    }

    /** SHA-256 over the files of {@code dir}, by file name: the input the answers were given on. */
    public static String digest(Path dir) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                sha.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(f));
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Kind of difference to the ids that show it, in id order: {@code kind(recorded, now)} for each
     * id (null recorded: an extra answer; null now: a missing one; null kind: no difference), or
     * {@code "answered N times"} for an id with more than one answer now.
     */
    public static <A> Map<String, List<String>> differences(
            List<A> recorded, List<A> now, Function<A, String> id, BiFunction<A, A, String> kind) {
        Map<String, A> before = new TreeMap<>();
        recorded.forEach(a -> before.put(id.apply(a), a));
        Map<String, List<A>> after = new TreeMap<>();
        now.forEach(a -> after.computeIfAbsent(id.apply(a), k -> new ArrayList<>()).add(a));
        Set<String> ids = new TreeSet<>(before.keySet());
        ids.addAll(after.keySet());
        Map<String, List<String>> byKind = new TreeMap<>();
        for (String i : ids) {
            List<A> answers = after.getOrDefault(i, List.of());
            String k =
                    answers.size() > 1
                            ? "answered " + answers.size() + " times"
                            : kind.apply(before.get(i), answers.isEmpty() ? null : answers.get(0));
            if (k != null) {
                byKind.computeIfAbsent(k, x -> new ArrayList<>()).add(i);
            }
        }
        return byKind;
    }

    /**
     * Fails unless the kinds of {@code differences} and their counts are exactly {@code intended};
     * the message lists every kind with its count, intended count and example ids.
     */
    public static void assertOnlyIntended(
            Map<String, List<String>> differences, Map<String, Integer> intended, String fixture) {
        Map<String, Integer> counts = new TreeMap<>();
        differences.forEach((k, ids) -> counts.put(k, ids.size()));
        if (counts.equals(new TreeMap<>(intended))) {
            return;
        }
        StringBuilder message =
                new StringBuilder("Answers differ from ")
                        .append(fixture)
                        .append(
                                " (kind: count, intended count, example ids; * where the count is"
                                        + " not the intended one):\n");
        Set<String> kinds = new LinkedHashSet<>(counts.keySet());
        kinds.addAll(new TreeMap<>(intended).keySet());
        for (String k : kinds) {
            List<String> ids = differences.getOrDefault(k, List.of());
            int n = intended.getOrDefault(k, 0);
            message.append(
                    String.format(
                            Locale.ROOT,
                            "%s %s: %d, intended %d, e.g. %s%n",
                            ids.size() == n ? " " : "*",
                            k,
                            ids.size(),
                            n,
                            ids.subList(0, Math.min(EXAMPLES, ids.size()))));
        }
        message.append("Declare each intended kind with its count in INTENDED.");
        fail(message.toString());
    }

    /** Whether two doubles are equal or within {@code tolerance}. */
    public static boolean close(double a, double b, double tolerance) {
        return Double.compare(a, b) == 0 || Math.abs(a - b) <= tolerance;
    }
}
