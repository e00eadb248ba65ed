package com.kartshoppe.playground.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for a command that runs until stopped. The JVM exits once its shutdown hooks return, so
 * the hook signals the command and then waits (up to {@code closeWait}) until the command has
 * closed what it started.
 *
 * <pre>{@code
 * try (StopSignal stop = new StopSignal("kafka", Duration.ofSeconds(30));
 *         EmbeddedKafka kafka = ...) {
 *     stop.await(duration); // Ctrl-C, or the duration passed
 * }
 * }</pre>
 *
 * Open it before the resources, so it closes after them.
 */
final class StopSignal implements AutoCloseable {

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;

    StopSignal(String name, Duration closeWait) {
        hook =
                new Thread(
                        () -> {
                            stop.countDown();
                            try {
                                closed.await(closeWait.toMillis(), TimeUnit.MILLISECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Waits for Ctrl-C or {@link #stop()}, at most {@code duration} if it is not null.
     *
     * @return true if stopped, false if the duration passed
     */
    boolean await(Duration duration) throws InterruptedException {
        if (duration == null) {
            stop.await();
            return true;
        }
        return stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends {@link #await} now, as Ctrl-C would. */
    void stop() {
        stop.countDown();
    }

    /** Everything is closed: a waiting Ctrl-C may let the JVM exit. */
    @Override
    public void close() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running and has just been released.
        }
    }
}
