package com.kartshoppe.playground.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven through Debian's {@code chromedriver}, for browser tests.
 * Selenium is pointed at both executables, so it never looks for or downloads a driver; if they are
 * missing, {@link #start()} fails (never skips) with how to install them.
 *
 * <pre>{@code
 * try (HeadlessChromium browser = HeadlessChromium.start()) {
 *     browser.open(server.uri());
 *     browser.await(() -> browser.script("return document.title").equals("..."),
 *             Duration.ofSeconds(10), "page title");
 *     assertThat(browser.severeConsoleMessages()).isEmpty();
 *     browser.screenshot(Path.of("target/page.png"));
 * }
 * }</pre>
 *
 * The executables can be overridden with the system properties {@code kartshoppe.chromium} and
 * {@code kartshoppe.chromedriver}.
 */
public final class HeadlessChromium implements AutoCloseable {

    static final Path CHROMIUM =
            Path.of(System.getProperty("kartshoppe.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER =
            Path.of(System.getProperty("kartshoppe.chromedriver", "/usr/bin/chromedriver"));

    /**
     * Tests drive the page over WebDriver only, never over the DevTools protocol, so Selenium's
     * warnings that it has no DevTools bindings for this Chromium version are noise. Held here:
     * java.util.logging keeps loggers only weakly.
     */
    private static final List<Logger> QUIET =
            List.of(
                    Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder"),
                    Logger.getLogger("org.openqa.selenium.chromium.ChromiumDriver"));

    static {
        QUIET.forEach(logger -> logger.setLevel(Level.SEVERE));
    }

    private final ChromeDriver driver;
    private final Path profile;
    private final List<LogEntry> console = new ArrayList<>();

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Starts Chromium headless with a fresh profile.
     *
     * @throws AssertionError if Chromium or chromedriver is not installed
     */
    public static HeadlessChromium start() {
        for (Path executable : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(executable)) {
                throw new AssertionError(
                        executable
                                + " is missing: the browser tests need Debian's Chromium and its"
                                + " driver (apt-get install chromium chromium-driver)");
            }
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("kartshoppe-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a Chromium profile directory", e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1400,1800",
                "--user-data-dir=" + profile.toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort()
                        .build();
        try {
            return new HeadlessChromium(new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            deleteRecursively(profile);
            throw e;
        }
    }

    /** Loads a page and waits until it has loaded. */
    public void open(URI uri) {
        driver.get(uri.toString());
    }

    /** The driver, for what this class does not wrap. */
    public WebDriver driver() {
        return driver;
    }

    /** Runs JavaScript in the page and returns its result ({@code return ...}). */
    public Object script(String javaScript, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(javaScript, args);
    }

    /**
     * Waits until {@code condition} returns true (or a value that is neither null nor false); it is
     * re-evaluated every 100 ms, and exceptions it throws count as not yet.
     *
     * @return the condition's last value
     * @throws AssertionError naming {@code what} if the timeout passes first
     */
    public <T> T await(Supplier<T> condition, Duration timeout, String what) {
        try {
            return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
                    .ignoring(RuntimeException.class)
                    .until(d -> condition.get());
        } catch (TimeoutException e) {
            throw new AssertionError(
                    "Timed out after " + timeout + " waiting for " + what, e.getCause());
        }
    }

    /**
     * The browser console messages at level SEVERE (errors, failed requests, uncaught exceptions)
     * since the browser started.
     */
    public List<String> severeConsoleMessages() {
        // Chromedriver hands each entry out once: keep them all.
        console.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
        return console.stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::toString)
                .toList();
    }

    /** Saves a PNG of the window. */
    public Path screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** Quits the browser and deletes its profile. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteRecursively(profile);
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            Files.walkFileTree(
                    dir,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                                throws IOException {
                            Files.deleteIfExists(file);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path d, IOException e)
                                throws IOException {
                            Files.deleteIfExists(d);
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            // a leftover temporary profile is harmless
        }
    }
}
