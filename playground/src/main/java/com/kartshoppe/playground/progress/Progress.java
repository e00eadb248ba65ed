package com.kartshoppe.playground.progress;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The progress line of a long command: records read, the simulated (event) time reached, the rate
 * and, when the total is known, the share done and an ETA. On a terminal it is one line redrawn in
 * place at most every {@link #TERMINAL_EVERY}; otherwise (a pipe, a file, a CI log) a plain line
 * every {@link #PLAIN_EVERY}, so logs stay short. A run shorter than that prints nothing but, on a
 * terminal, the final line.
 *
 * <p>{@link #update} is cheap enough to call per record: it reads the clock and returns unless a
 * line is due. Calls may come from one thread at a time (a poller or the command's own loop).
 *
 * <pre>{@code
 * try (Progress progress = Progress.start(err, "simulate", Clock.systemUTC(), System.console() != null)) {
 *     progress.expect(totalRecords);
 *     for (...) {
 *         progress.update(records, eventTime);
 *     }
 * }
 * }</pre>
 */
public final class Progress implements AutoCloseable {

    static final Duration TERMINAL_EVERY = Duration.ofMillis(250);
    static final Duration PLAIN_EVERY = Duration.ofSeconds(5);

    private final PrintWriter out;
    private final String what;
    private final Clock clock;
    private final boolean terminal;
    private final long started;
    private final long every;

    private long total = -1;
    private Instant from;
    private Instant until;

    private long records;
    private Instant reached;
    private long lastPrinted;
    private int lastWidth;
    private boolean printed;
    private boolean closed;

    private Progress(PrintWriter out, String what, Clock clock, boolean terminal) {
        this.out = out;
        this.what = what;
        this.clock = clock;
        this.terminal = terminal;
        this.started = clock.millis();
        this.every = (terminal ? TERMINAL_EVERY : PLAIN_EVERY).toMillis();
        this.lastPrinted = started;
    }

    /**
     * Starts measuring now.
     *
     * @param what the command, first on the line
     * @param terminal whether {@code out} is a terminal ({@code System.console() != null}): one
     *     line redrawn in place, else plain lines
     */
    public static Progress start(PrintWriter out, String what, Clock clock, boolean terminal) {
        return new Progress(out, what, clock, terminal);
    }

    /** How many records the command will read in all; gives the share done and the ETA. */
    public Progress expect(long totalRecords) {
        this.total = totalRecords;
        return this;
    }

    /**
     * The simulated time the command runs from and until; gives the share done and the ETA when the
     * total of records is not known.
     */
    public Progress between(Instant from, Instant until) {
        this.from = from;
        this.until = until;
        return this;
    }

    /**
     * Records read so far, and the simulated time reached (null if not known); prints a line if one
     * is due.
     */
    public void update(long records, Instant reached) {
        this.records = records;
        if (reached != null) {
            this.reached = reached;
        }
        long now = clock.millis();
        if (now - lastPrinted >= every) {
            lastPrinted = now;
            print(now, false);
        }
    }

    /** Prints the final line: on a terminal always, otherwise if any line was printed before. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (terminal || printed) {
            print(clock.millis(), true);
        }
    }

    /** The line as it would be printed now. */
    String line() {
        return line(clock.millis());
    }

    private void print(long now, boolean last) {
        String line = line(now);
        if (terminal) {
            // Redrawn in place: back to the start of the line, spaces over a longer previous one.
            out.print('\r' + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
            if (last) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
        printed = true;
    }

    private static final Pattern LINE =
            Pattern.compile("[^:]+: [0-9,]+ records(, .*)?, .+ elapsed");

    /**
     * Whether {@code line} is a progress line: what a caller reading a command's stderr for its
     * error leaves out.
     */
    public static boolean isProgressLine(String line) {
        return LINE.matcher(line.strip()).matches();
    }

    private String line(long now) {
        long elapsed = Math.max(0, now - started);
        StringBuilder s = new StringBuilder(what).append(": ");
        s.append(String.format(Locale.ROOT, "%,d records", records));
        if (reached != null) {
            s.append(", event time ").append(reached.truncatedTo(ChronoUnit.SECONDS));
        }
        if (elapsed > 0) {
            s.append(String.format(Locale.ROOT, ", %,.0f/s", records * 1000.0 / elapsed));
        }
        double done = done();
        if (!Double.isNaN(done)) {
            s.append(String.format(Locale.ROOT, ", %.0f%%", 100 * done));
            if (done > 0 && done < 1) {
                s.append(", ETA ").append(duration((long) (elapsed * (1 - done) / done)));
            }
        }
        s.append(", ").append(duration(elapsed)).append(" elapsed");
        return s.toString();
    }

    /** The share done, by records if the total is known, else by simulated time; NaN if neither. */
    double done() {
        if (total > 0) {
            return Math.min(1, records / (double) total);
        }
        if (from != null && until != null && reached != null && until.isAfter(from)) {
            double span = Duration.between(from, until).toMillis();
            return Math.max(0, Math.min(1, Duration.between(from, reached).toMillis() / span));
        }
        return Double.NaN;
    }

    /** "45 s", "3 min 05 s", "2 h 07 min". */
    static String duration(long millis) {
        long seconds = Math.round(millis / 1000.0);
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, seconds % 3600 / 60);
    }
}
