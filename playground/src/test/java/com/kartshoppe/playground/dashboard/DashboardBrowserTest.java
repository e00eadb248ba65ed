package com.kartshoppe.playground.dashboard;

import static com.kartshoppe.playground.dashboard.DashboardFixtures.deadLetter;
import static com.kartshoppe.playground.dashboard.DashboardFixtures.decision;
import static com.kartshoppe.playground.dashboard.DashboardFixtures.fraudReport;
import static com.kartshoppe.playground.dashboard.DashboardFixtures.params;
import static com.kartshoppe.playground.dashboard.DashboardFixtures.recoReport;
import static com.kartshoppe.playground.dashboard.DashboardFixtures.recommendation;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.embeddedkafka.EmbeddedKafka;
import com.kartshoppe.events.FraudDecision;
import com.kartshoppe.fraud.patterns.FraudPattern;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** Tests for {@link DashboardServer} and its page in a real headless Chromium. */
class DashboardBrowserTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

    @Test
    void showsLiveDecisionsChartsSwapsAndRecommendations() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            Configuration conf = new Configuration();
            kafka.createProjectTopics(conf);
            try (LiveView view = LiveView.start(kafka.settings(), conf);
                    DashboardServer server = DashboardServer.start(view, "127.0.0.1", 0);
                    HeadlessChromium browser = HeadlessChromium.start()) {
                assertThat(get(server.uri().resolve("/health")).body()).contains("\"UP\"");
                assertThat(get(server.uri().resolve("/webjars/chart.js/dist/chart.umd.js")))
                        .extracting(HttpResponse::statusCode)
                        .isEqualTo(200);
                assertThat(get(server.uri().resolve("/static/..%2F..%2Flog4j2.properties")))
                        .extracting(HttpResponse::statusCode)
                        .isEqualTo(404);

                browser.open(server.uri());
                browser.await(
                        () -> text("connection", browser).equals("live"),
                        TIMEOUT,
                        "the event stream to connect");

                // Produced while the page is open: it must show them live.
                Instant now = Instant.now();
                DashboardFixtures.produceInputs(kafka, "shop.clicks", 40);
                DashboardFixtures.produceInputs(kafka, "shop.orders", 4);
                DashboardFixtures.produceDecisions(
                        kafka,
                        decision("o-1", "u-1", 0.10, Set.of(), "1", 0, now),
                        decision("o-2", "u-2", 0.62, Set.of(), "1", 1, now),
                        decision(
                                "o-3", "u-3", 0.20, Set.of(FraudPattern.CARD_TESTING), "1", 1, now),
                        decision(
                                "o-4",
                                "u-4",
                                0.95,
                                Set.of(FraudPattern.CARD_TESTING, FraudPattern.SHARED_DEVICE),
                                "1",
                                1,
                                now));
                DashboardFixtures.produceRecommendations(
                        kafka,
                        recommendation("r-1", "u-000007", now, "p-00011", "p-00012", "p-00013"),
                        recommendation("r-2", "u-000008", now, "p-00021"));
                DashboardFixtures.produceDeadLetters(
                        kafka,
                        deadLetter("decode.bad-header", 1, now),
                        deadLetter("validation.negative-amount", 2, now));
                DashboardFixtures.produceReports(
                        kafka,
                        "fraud",
                        fraudReport("1", now.minusSeconds(300), 0.9, 0.86, 0.7, 0.6),
                        fraudReport("1", now.minusSeconds(10), 0.93, 0.87, 0.75, 0.6));
                DashboardFixtures.produceReports(
                        kafka, "reco", recoReport("1", now.minusSeconds(10), 0.12, 0.7));
                DashboardFixtures.produceParams(kafka, params("fraud", "1", 3, now));

                browser.await(
                        () -> rows("#decisions-body tr[data-order-id]", browser).size() == 4,
                        TIMEOUT,
                        "the four decisions in the feed");
                List<WebElement> blockRow =
                        rows("#decisions-body tr[data-order-id='o-4']", browser);
                assertThat(blockRow.get(0).getText())
                        .contains("BLOCK", "score>=block", "cep:card-testing", "cep:shared-device");
                assertThat(blockRow.get(0).findElement(By.cssSelector(".score")).getText())
                        .isEqualTo("0.950");
                // next to the reasons, the model's three largest contributions, signed
                assertThat(
                                blockRow.get(0).findElements(By.cssSelector(".why .term")).stream()
                                        .map(WebElement::getText)
                                        .toList())
                        .containsExactly(
                                "decline_ratio_10m +2.85",
                                "account_age_days -1.25",
                                "new_device +0.50");
                browser.await(
                        () -> text("count-alerts", browser).equals("3"),
                        TIMEOUT,
                        "three alerts counted");
                assertThat(
                                browser.driver()
                                        .findElement(
                                                By.cssSelector(
                                                        "#alerts-body"
                                                            + " tr[data-pattern='card-testing']"))
                                        .getText())
                        .endsWith("2");
                browser.await(
                        () -> rows("#dlq-body tr[data-reason]", browser).size() == 2,
                        TIMEOUT,
                        "dead letters by reason");
                browser.await(
                        () -> text("count-input", browser).equals("44"),
                        TIMEOUT,
                        "44 input records");

                // The swap to model version 2, after version 1's decisions were shown.
                DashboardFixtures.produceDecisions(
                        kafka,
                        decision(
                                "o-5",
                                "u-5",
                                0.3,
                                Set.of(),
                                "2",
                                0,
                                Instant.now().plusMillis(500)));
                browser.await(
                        () ->
                                Long.valueOf(1)
                                                .equals(
                                                        chart(
                                                                "throughput-chart",
                                                                "$swapMarkers",
                                                                browser))
                                        && rows("#swaps li.swap", browser).size() == 1,
                        TIMEOUT,
                        "the model swap marked on the throughput chart and listed");
                browser.await(
                        () ->
                                Long.valueOf(1)
                                        .equals(
                                                chart(
                                                        "fraud-accuracy-chart",
                                                        "$swapMarkers",
                                                        browser)),
                        TIMEOUT,
                        "the model swap marked on the fraud accuracy chart");
                assertThat(chart("reco-accuracy-chart", "$swapMarkers", browser)).isEqualTo(0L);
                assertThat(rows("#swaps li.swap", browser).get(0).getText())
                        .endsWith("fraud v1 → v2");
                assertThat(
                                browser.driver()
                                        .findElement(
                                                By.cssSelector(
                                                        "#models-body tr[data-model='fraud']"))
                                        .getText())
                        .contains("v2", "a3");

                // A decision under a newly published rule set: marked and listed like a swap.
                assertThat(text("rule-set", browser)).startsWith("default v0 since ");
                DashboardFixtures.produceDecisions(
                        kafka,
                        FraudDecision.newBuilder(
                                        decision(
                                                "o-6",
                                                "u-6",
                                                0.3,
                                                Set.of(),
                                                "2",
                                                0,
                                                Instant.now().plusMillis(700)))
                                .setRuleSetVersion(2)
                                .build());
                browser.await(
                        () ->
                                Long.valueOf(2)
                                                .equals(
                                                        chart(
                                                                "throughput-chart",
                                                                "$swapMarkers",
                                                                browser))
                                        && Long.valueOf(2)
                                                .equals(
                                                        chart(
                                                                "fraud-accuracy-chart",
                                                                "$swapMarkers",
                                                                browser))
                                        && rows("#rule-changes li.rule-change", browser).size()
                                                == 1,
                        TIMEOUT,
                        "the rule-set change marked on the throughput and fraud accuracy charts");
                assertThat(rows("#rule-changes li.rule-change", browser).get(0).getText())
                        .endsWith("default v0 → default v2");
                assertThat(text("rule-set", browser)).startsWith("default v2 since ");
                assertThat(chart("reco-accuracy-chart", "$swapMarkers", browser)).isEqualTo(0L);

                // Charts hold the data: throughput points and accuracy per model version.
                assertThat(
                                (Boolean)
                                        browser.script(
                                                "return Chart.getChart(document.getElementById("
                                                        + "'throughput-chart')).data.datasets[0]"
                                                        + ".data.some(p => p.y > 0)"))
                        .isTrue();
                browser.await(
                        () ->
                                browser.script(
                                                "const d = Chart.getChart(document.getElementById("
                                                    + "'fraud-accuracy-chart')).data.datasets;"
                                                    + " return d.map(s => s.label + '=' +"
                                                    + " s.data.map(p => p.y).join('|')).join(';')")
                                        .equals(
                                                "fraud v1 AUC adapted=0.9|0.93;fraud v1 AUC"
                                                        + " base=0.86|0.87;fraud v1 recall@0.5"
                                                        + " adapted=0.7|0.75;fraud v1 recall@0.5"
                                                        + " base=0.6|0.6"),
                        TIMEOUT,
                        "fraud accuracy base vs adapted");
                assertThat(
                                browser.script(
                                        "return Chart.getChart(document.getElementById("
                                                + "'reco-accuracy-chart')).data.datasets"
                                                + ".map(s => s.label).join(';')"))
                        .isEqualTo("reco v1 CTR;reco v1 AUC adapted");

                // Choosing a shopper shows their recommendations with scores.
                browser.await(
                        () -> rows("#user-select option[value='u-000007']", browser).size() == 1,
                        TIMEOUT,
                        "shopper u-000007 offered");
                new Select(browser.driver().findElement(By.id("user-select")))
                        .selectByValue("u-000007");
                browser.await(
                        () ->
                                rows("#recommendations-body tr[data-product-id]", browser).size()
                                        == 3,
                        TIMEOUT,
                        "the three recommended products of u-000007");
                assertThat(rows("#recommendations-body tr[data-product-id]", browser))
                        .extracting(row -> row.getText().replaceAll("\\s+", " ").trim())
                        .containsExactly(
                                "1 p-00011 0.900 0.850",
                                "2 p-00012 0.800 0.750",
                                "3 p-00013 0.700 0.650 explored");

                browser.screenshot(SCREENSHOT);
                assertThat(browser.severeConsoleMessages()).isEmpty();
                // The check above can fail: a console error is seen.
                browser.script("console.error('kartshoppe console probe')");
                assertThat(browser.severeConsoleMessages())
                        .singleElement()
                        .asString()
                        .contains("kartshoppe console probe");
            }
            assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
        }
    }

    private static String text(String id, HeadlessChromium browser) {
        return browser.driver().findElement(By.id(id)).getText();
    }

    private static List<WebElement> rows(String css, HeadlessChromium browser) {
        return browser.driver().findElements(By.cssSelector(css));
    }

    private static Object chart(String canvasId, String property, HeadlessChromium browser) {
        return browser.script(
                "const c = Chart.getChart(document.getElementById(arguments[0]));"
                        + " return c ? c[arguments[1]] : null",
                canvasId,
                property);
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
