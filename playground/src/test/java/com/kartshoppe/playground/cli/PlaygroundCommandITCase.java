package com.kartshoppe.playground.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.playground.dashboard.HeadlessChromium;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * {@code kartshoppe playground --duration 90s}, as a new user runs it: the whole system in this
 * JVM, watched in a real headless Chromium while a model team drops in a new model; then a restart
 * on the same data directory resumes.
 */
class PlaygroundCommandITCase {

    private static final Duration START_UP = Duration.ofMinutes(3);

    /** How long the page may take to show what the running system does. */
    private static final Duration LIVE = Duration.ofSeconds(75);

    @TempDir Path tmp;

    @Test
    void runsTheWholeSystemThenResumesOnTheSameDataDirectory() throws Exception {
        Path data = tmp.resolve("data");
        Path models = tmp.resolve("models");

        ConsoleLines out = new ConsoleLines();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> run = playground(out, err, data, models, "90s");
        out.await("^KartShoppe RT-ML playground is running$", START_UP);
        String dashboard = out.await("^  Dashboard\\s+(\\S+)$", Duration.ofSeconds(1)).group(1);
        out.await("^  Flink web UI\\s+http://127\\.0\\.0\\.1:\\d+", Duration.ofSeconds(1));
        out.await("^  Kafka bootstrap\\s+127\\.0\\.0\\.1:\\d+", Duration.ofSeconds(1));
        assertThat(Files.list(models.resolve("fraud")).toList())
                .containsExactly(models.resolve("fraud/1.onnx"));

        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.open(URI.create(dashboard));
            browser.await(
                    () -> count("#decisions-body tr[data-order-id]", browser) > 0,
                    LIVE,
                    "fraud decisions in the live feed");
            // A model team drops version 2 in: the job swaps, the dashboard marks it.
            Path staged = Files.copy(models.resolve("fraud/1.onnx"), tmp.resolve("2.onnx"));
            Files.move(staged, models.resolve("fraud/2.onnx"), StandardCopyOption.ATOMIC_MOVE);
            browser.await(
                    () -> count("#swaps li.swap", browser) > 0,
                    LIVE,
                    "the swap to fraud model 2 listed");
            assertThat(text("#swaps li.swap", browser)).endsWith("fraud v1 → v2");
            browser.await(
                    () ->
                            Boolean.TRUE.equals(
                                    browser.script(
                                            "return Chart.getChart(document.getElementById("
                                                    + "'fraud-accuracy-chart')).data.datasets"
                                                    + ".some(d => d.data.length > 0)")),
                    LIVE,
                    "an accuracy report on the fraud accuracy chart");
            // Windows and swap both in event time: the marker falls among the points.
            assertThat(
                            browser.script(
                                    "return Chart.getChart(document.getElementById("
                                            + "'fraud-accuracy-chart')).$swapMarkers"))
                    .isEqualTo(1L);
            assertThat(
                            browser.script(
                                    "return Chart.getChart(document.getElementById("
                                            + "'throughput-chart')).data.datasets[0].data"
                                            + ".some(p => p.y > 0)"))
                    .isEqualTo(true);
            assertThat(Long.parseLong(text("#count-alerts", browser))).isPositive();
            assertThat(browser.severeConsoleMessages()).isEmpty();
            browser.screenshot(Path.of("target", "playground-dashboard.png"));
        }

        assertThat(run.get(3, TimeUnit.MINUTES)).as(err.toString()).isZero();
        Matcher seen =
                out.await(
                        "^Seen: (\\d+) input records, (\\d+) decisions \\((\\d+) alerts\\), (\\d+)"
                                + " recommendations, (\\d+) accuracy reports, (\\d+) dead letters$",
                        Duration.ofSeconds(1));
        assertThat(Long.parseLong(seen.group(1))).as("input records").isGreaterThan(10_000);
        assertThat(Long.parseLong(seen.group(2))).as("decisions").isGreaterThan(100);
        assertThat(Long.parseLong(seen.group(3))).as("alerts").isPositive();
        assertThat(Long.parseLong(seen.group(4))).as("recommendations").isGreaterThan(100);
        assertThat(Long.parseLong(seen.group(5))).as("accuracy reports").isPositive();
        // The simulator injects malformed records: they reach the DLQ, the jobs keep running.
        assertThat(Long.parseLong(seen.group(6))).as("dead letters").isPositive();
        // Alerts in proportion to the fraud the simulated shop placed (issue: they were 31% of
        // decisions against 2.6% of orders, shoppers in the closed loop setting off velocity).
        Matcher simulated =
                out.await(
                        "^Simulated: (\\d+) orders placed, (\\d+) by fraudsters \\(\\S+%\\); alerts"
                                + " on \\S+% of decisions$",
                        Duration.ofSeconds(1));
        double fraudShare =
                Long.parseLong(simulated.group(2)) / (double) Long.parseLong(simulated.group(1));
        double alertShare = Long.parseLong(seen.group(3)) / (double) Long.parseLong(seen.group(2));
        assertThat(alertShare).as("alert share").isLessThanOrEqualTo(1.3 * fraudShare);
        out.await("^Stopped\\.$", Duration.ofSeconds(1));

        List<String> status =
                out.lines().stream().filter(l -> l.matches("^\\[\\d\\d:\\d\\d\\] .*")).toList();
        assertThat(status).hasSizeGreaterThanOrEqualTo(15);
        // The shop stays open: the last quarter of the run (its final 22.5 s) still has input.
        int last = seconds(status.get(status.size() - 1));
        List<String> lastQuarter = status.stream().filter(l -> seconds(l) >= last - 22).toList();
        assertThat(lastQuarter).hasSizeGreaterThanOrEqualTo(4);
        assertThat(lastQuarter).allMatch(l -> Long.parseLong(l.replaceAll(INPUT_RATE, "$1")) > 0);
        assertThat(status.get(status.size() - 1))
                .matches(".*in \\d+/s \\| decisions \\d+ \\(alerts \\d+\\) \\| recos \\d+ .*")
                .contains("models ")
                .contains("fraud v2");
        // Libraries log to the file, never to the console.
        assertThat(out.lines()).noneMatch(l -> l.matches(".* (INFO|WARN|ERROR) .*"));
        assertThat(Files.readString(data.resolve("playground.log")))
                .contains("Job kartshoppe-fraud")
                .contains("switched from state RUNNING to CANCELLING");
        String clock = Files.readString(data.resolve("playground.properties"));
        assertThat(clock).contains("simulator.clock=");

        ConsoleLines again = new ConsoleLines();
        CompletableFuture<Integer> restart = playground(again, err, data, models, "15s");
        for (String job : List.of("kartshoppe-fraud", "kartshoppe-reco", "kartshoppe-feedback")) {
            again.await("^  Submitted " + job + " \\(resumed from chk-\\d+\\)$", START_UP);
        }
        String savedClock = clock.replaceAll("(?s).*simulator\\.clock=(\\S+).*", "$1");
        again.await("^  Simulating 1000 shoppers from " + savedClock.replace("\\", ""), START_UP);
        assertThat(restart.get(3, TimeUnit.MINUTES)).as(err.toString()).isZero();
    }

    /** A status line, its input records per second captured. */
    private static final String INPUT_RATE = "^\\[\\d\\d:\\d\\d\\] in (\\d+)/s .*";

    /** The elapsed seconds a status line starts with, {@code [mm:ss]}. */
    private static int seconds(String status) {
        return Integer.parseInt(status.substring(1, 3)) * 60
                + Integer.parseInt(status.substring(4, 6));
    }

    private static long count(String css, HeadlessChromium browser) {
        return browser.driver().findElements(By.cssSelector(css)).size();
    }

    /**
     * The rendered text of the first element matching {@code css}, read in one script call: the
     * dashboard re-renders its lists as records arrive, so an element found by one WebDriver call
     * may be gone by the next.
     */
    private static String text(String css, HeadlessChromium browser) {
        return (String)
                browser.script("return document.querySelector(arguments[0]).innerText", css);
    }

    private CompletableFuture<Integer> playground(
            ConsoleLines out, StringWriter err, Path data, Path models, String duration) {
        return CompletableFuture.supplyAsync(
                () ->
                        KartshoppeCli.commandLine()
                                .setOut(new PrintWriter(out, true))
                                .setErr(new PrintWriter(err, true))
                                .execute(
                                        "playground",
                                        "--duration",
                                        duration,
                                        "--port",
                                        "0",
                                        "--flink-port",
                                        "0",
                                        "--kafka-port",
                                        "0",
                                        "--features-port",
                                        "0",
                                        "--data-dir",
                                        data.toString(),
                                        "--models-dir",
                                        models.toString()));
    }
}
