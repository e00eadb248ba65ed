package com.kartshoppe.playground.cli;

import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a command running on another thread prints, line by line, for a test to wait on. */
final class ConsoleLines extends Writer {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition added = lock.newCondition();
    private final StringBuilder partial = new StringBuilder();
    private final List<String> lines = new ArrayList<>();

    @Override
    public void write(char[] buf, int off, int len) {
        lock.lock();
        try {
            for (int i = off; i < off + len; i++) {
                if (buf[i] == '\n') {
                    lines.add(partial.toString());
                    partial.setLength(0);
                    added.signalAll();
                } else if (buf[i] != '\r') {
                    partial.append(buf[i]);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the first line matching {@code regex}.
     *
     * @return the match, for its groups
     * @throws AssertionError naming the pattern and showing the lines so far, after {@code timeout}
     */
    Matcher await(String regex, Duration timeout) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    Matcher m = pattern.matcher(lines.get(seen));
                    if (m.find()) {
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(
                            "No line matching /"
                                    + regex
                                    + "/ within "
                                    + timeout
                                    + "; printed so far:\n"
                                    + String.join("\n", lines));
                }
                added.await(left, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Every complete line so far. */
    List<String> lines() {
        lock.lock();
        try {
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
