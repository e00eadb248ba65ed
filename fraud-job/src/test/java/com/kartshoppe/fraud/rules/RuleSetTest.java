package com.kartshoppe.fraud.rules;

import static com.kartshoppe.features.TestEvents.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.Decision;
import com.kartshoppe.events.catalog.FeatureCatalog;
import com.kartshoppe.features.ingest.ShopEvent;
import com.kartshoppe.features.user.Featured;
import com.kartshoppe.fraud.FraudOptions;
import com.kartshoppe.fraud.decision.FraudCase;
import com.kartshoppe.fraud.patterns.FraudPattern;
import com.kartshoppe.fraud.patterns.PatternHit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link RuleSet}: the verdicts it gives (with {@link FraudCase#verdict}), what a
 * document may change, and the one-line errors of a bad one.
 */
class RuleSetTest {

    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    /** The job's settings: card testing BLOCKs, shared device only adds its reason. */
    static RuleSet settings() {
        Configuration conf = new Configuration();
        conf.set(FraudPattern.CARD_TESTING.atLeastOption(), Decision.BLOCK);
        conf.set(FraudPattern.SHARED_DEVICE.atLeastOption(), Decision.ALLOW);
        return RuleSet.fromConfiguration(conf);
    }

    private final RuleSet base = settings();

    static FraudCase orderFrom(String user, String device, String ip, String country) {
        ShopEvent e = order(user, "p-1", 250_00, T, device);
        e.order.setIp(ip);
        e.order.setShippingCountry(country);
        return new FraudCase(
                new Featured(
                        e,
                        FeatureCatalog.FRAUD_V1.snapshot(
                                user,
                                T.toEpochMilli(),
                                new double[FeatureCatalog.FRAUD_V1.size()])));
    }

    private static FraudCase.Verdict verdict(
            RuleSet rules, Double score, FraudCase order, FraudPattern... flags) {
        for (FraudPattern p : flags) {
            order.flag(p);
        }
        rules.applyTo(order);
        return order.verdict(score);
    }

    private static FraudCase.Verdict verdict(RuleSet rules, Double score, FraudPattern... flags) {
        return verdict(rules, score, orderFrom("u-1", "d-1", "10.0.0.1", "DE"), flags);
    }

    @Test
    void theJobsSettingsAreVersionZeroOfTheFollowedId() {
        assertThat(base.id()).isEqualTo("default");
        assertThat(base.version()).isZero();
        FraudCase order = orderFrom("u-1", "d-1", "10.0.0.1", "DE");
        base.applyTo(order);
        assertThat(order.ruleSetId).isEqualTo("default");
        assertThat(order.ruleSetVersion).isZero();
    }

    @Test
    void thresholdsAreInclusive() {
        assertThat(verdict(base, 0.4999))
                .isEqualTo(new FraudCase.Verdict(Decision.ALLOW, List.of()));
        assertThat(verdict(base, 0.5))
                .isEqualTo(new FraudCase.Verdict(Decision.REVIEW, List.of("score>=review")));
        assertThat(verdict(base, 0.9))
                .isEqualTo(new FraudCase.Verdict(Decision.BLOCK, List.of("score>=block")));
    }

    @Test
    void aPatternRaisesTheDecisionToItsLeastButNeverLowersIt() {
        assertThat(verdict(base, 0.1, FraudPattern.VELOCITY))
                .isEqualTo(new FraudCase.Verdict(Decision.REVIEW, List.of("cep:velocity")));
        assertThat(verdict(base, 0.95, FraudPattern.VELOCITY).decision()).isEqualTo(Decision.BLOCK);
        assertThat(verdict(base, 0.6, FraudPattern.VELOCITY, FraudPattern.CARD_TESTING))
                .isEqualTo(
                        new FraudCase.Verdict(
                                Decision.BLOCK,
                                List.of("score>=review", "cep:card-testing", "cep:velocity")));
        assertThat(verdict(base, 0.1, FraudPattern.SHARED_DEVICE))
                .isEqualTo(new FraudCase.Verdict(Decision.ALLOW, List.of("cep:shared-device")));
    }

    @Test
    void withoutAModelRulesDecideAlone() {
        assertThat(verdict(base, null))
                .isEqualTo(new FraudCase.Verdict(Decision.ALLOW, List.of("no-model")));
        assertThat(verdict(base, null, FraudPattern.CARD_TESTING))
                .isEqualTo(
                        new FraudCase.Verdict(
                                Decision.BLOCK, List.of("no-model", "cep:card-testing")));
    }

    @Test
    void settingsThresholdsOutOfOrderAreRejectedNamingTheSettings() {
        Configuration conf = new Configuration();
        conf.set(FraudOptions.REVIEW_THRESHOLD, 0.8);
        conf.set(FraudOptions.BLOCK_THRESHOLD, 0.6);
        assertThatThrownBy(() -> RuleSet.fromConfiguration(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fraud.review-threshold")
                .hasMessageContaining("fraud.block-threshold")
                .hasMessageContaining("0.8 and 0.6");
        conf.set(FraudOptions.REVIEW_THRESHOLD, Double.NaN);
        assertThatThrownBy(() -> RuleSet.fromConfiguration(conf))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDocumentChangesWhatItNamesAndKeepsTheRest() {
        RuleSet rules =
                RuleSet.parse(
                        """
                        {"id": "default", "version": 3, "description": "holidays",
                         "thresholds": {"review": 0.3},
                         "patterns": {"velocity": {"atLeast": "BLOCK", "flagFor": "5 min"},
                                      "account-takeover": {"enabled": false}}}
                        """,
                        base);

        assertThat(rules.version()).isEqualTo(3);
        assertThat(rules.review()).isEqualTo(0.3);
        assertThat(rules.block()).isEqualTo(0.9);
        assertThat(rules.pattern(FraudPattern.VELOCITY).atLeast()).isEqualTo(Decision.BLOCK);
        assertThat(rules.pattern(FraudPattern.VELOCITY).flagFor()).isEqualTo(Duration.ofMinutes(5));
        assertThat(rules.pattern(FraudPattern.VELOCITY).within())
                .isEqualTo(base.pattern(FraudPattern.VELOCITY).within());
        assertThat(rules.pattern(FraudPattern.CARD_TESTING))
                .isEqualTo(base.pattern(FraudPattern.CARD_TESTING));
        assertThat(verdict(rules, 0.35))
                .isEqualTo(new FraudCase.Verdict(Decision.REVIEW, List.of("score>=review")));
        assertThat(rules.summary())
                .isEqualTo(
                        "default v3: review >= 0.3, block >= 0.9, disabled account-takeover, allow"
                                + " 0, deny 0 (holidays)");
    }

    @Test
    void theWrittenOutSetParsesBackToItself() {
        RuleSet rules =
                RuleSet.parse(
                        """
                        {"id": "default", "version": 7,
                         "patterns": {"card-testing": {"minCards": 3, "maxProbeEur": 4.5}},
                         "allow": {"users": ["u-9"]},
                         "deny": {"devices": ["d-6"], "ipRanges": ["203.0.113.0/24"],
                                  "shippingCountries": ["XX"]}}
                        """,
                        base);

        RuleSet again = RuleSet.parse(rules.toJson(), base);

        assertThat(again.toJson()).isEqualTo(rules.toJson());
        assertThat(again.pattern(FraudPattern.CARD_TESTING))
                .isEqualTo(rules.pattern(FraudPattern.CARD_TESTING));
        assertThat(again.pattern(FraudPattern.CARD_TESTING).maxProbeCents()).isEqualTo(450);
        assertThat(again.deny().size()).isEqualTo(3);
    }

    @Test
    void hitsCountOnlyAsTheRuleSetSays() {
        RuleSet rules =
                RuleSet.parse(
                        """
                        {"id": "default", "version": 1,
                         "patterns": {"velocity": {"within": "2 min", "flagFor": "5 min"},
                                      "card-testing": {"minCards": 3, "maxProbeEur": 2},
                                      "shared-device": {"enabled": false}}}
                        """,
                        base);
        long t = T.toEpochMilli();
        long min = 60_000;
        PatternHit quick =
                new PatternHit(FraudPattern.VELOCITY, "u", t - min, t, t + 30 * min, 3, 0);
        PatternHit slow =
                new PatternHit(FraudPattern.VELOCITY, "u", t - 3 * min, t, t + 30 * min, 3, 0);

        assertThat(base.flags(quick, t + 20 * min)).isTrue();
        assertThat(rules.flags(quick, t + 5 * min)).isTrue();
        assertThat(rules.flags(quick, t + 5 * min + 1)).as("after flagFor").isFalse();
        assertThat(rules.flags(quick, t)).as("not after the hit").isFalse();
        assertThat(base.flags(slow, t + min)).isTrue();
        assertThat(rules.flags(slow, t + min)).as("spans more than within").isFalse();

        PatternHit twoCards =
                new PatternHit(FraudPattern.CARD_TESTING, "u", t - min, t, t + 10 * min, 2, 150);
        PatternHit threeCards =
                new PatternHit(FraudPattern.CARD_TESTING, "u", t - min, t, t + 10 * min, 3, 150);
        PatternHit bigProbe =
                new PatternHit(FraudPattern.CARD_TESTING, "u", t - min, t, t + 10 * min, 3, 900);
        assertThat(base.flags(twoCards, t + min)).isTrue();
        assertThat(rules.flags(twoCards, t + min)).isFalse();
        assertThat(rules.flags(threeCards, t + min)).isTrue();
        assertThat(rules.flags(bigProbe, t + min)).isFalse();

        PatternHit device =
                new PatternHit(FraudPattern.SHARED_DEVICE, "d", t - min, t, t + 60 * min, 3, 0);
        assertThat(base.flags(device, t + min)).isTrue();
        assertThat(rules.flags(device, t + min)).isFalse();
    }

    @Test
    void aDenyListedOrderIsBlockedWhateverItsScoreAndAnAllowListedOneAllowed() {
        RuleSet rules =
                RuleSet.parse(
                        """
                        {"id": "default", "version": 2,
                         "allow": {"users": ["vip"], "devices": ["d-both"]},
                         "deny": {"devices": ["d-bad", "d-both"], "ipRanges": ["203.0.113.0/24", "2001:db8::/32"],
                                  "shippingCountries": ["XX"]}}
                        """,
                        base);

        assertThat(verdict(rules, 0.01, orderFrom("u-1", "d-bad", "10.0.0.1", "DE")))
                .isEqualTo(new FraudCase.Verdict(Decision.BLOCK, List.of("deny:device")));
        assertThat(verdict(rules, 0.01, orderFrom("u-1", "d-1", "203.0.113.77", "DE")))
                .isEqualTo(new FraudCase.Verdict(Decision.BLOCK, List.of("deny:ip")));
        assertThat(verdict(rules, 0.01, orderFrom("u-1", "d-1", "2001:db8:0:1::5", "DE")))
                .isEqualTo(new FraudCase.Verdict(Decision.BLOCK, List.of("deny:ip")));
        assertThat(verdict(rules, 0.01, orderFrom("u-1", "d-1", "203.0.114.1", "XX")))
                .isEqualTo(new FraudCase.Verdict(Decision.BLOCK, List.of("deny:country")));
        assertThat(
                        verdict(
                                rules,
                                0.95,
                                orderFrom("vip", "d-1", "10.0.0.1", "DE"),
                                FraudPattern.CARD_TESTING))
                .isEqualTo(
                        new FraudCase.Verdict(
                                Decision.ALLOW,
                                List.of("score>=block", "cep:card-testing", "allow:user")));
        assertThat(verdict(rules, 0.01, orderFrom("vip", "d-both", "10.0.0.1", "DE")))
                .as("deny wins over allow")
                .isEqualTo(new FraudCase.Verdict(Decision.BLOCK, List.of("deny:device")));
        assertThat(verdict(rules, 0.01, orderFrom("u-1", "d-1", "not-an-ip", "DE")))
                .isEqualTo(new FraudCase.Verdict(Decision.ALLOW, List.of()));
    }

    @Test
    void aBadDocumentIsRejectedInOneLineNamingTheField() {
        assertRejected("{\"id\": \"default\", \"version\": 1,", "not JSON");
        assertRejected("[1]", "a rule set is a JSON object, got array");
        assertRejected("{\"version\": 1}", "id: required");
        assertRejected("{\"id\": \"default\"}", "version: required");
        assertRejected("{\"id\": \"default\", \"version\": -1}", "version: must be >= 0");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1, \"thresholds\": {\"reveiw\": 0.4}}",
                "thresholds.reveiw: unknown field; known here: review, block");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1, \"thresholds\": {\"review\": 0.95}}",
                "thresholds.review and thresholds.block must satisfy 0 <= review <= block <= 1,"
                        + " got 0.95 and 0.9");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1, \"thresholds\": {\"review\": \"high\"}}",
                "thresholds.review: a number");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1, \"patterns\": {\"speed\": {}}}",
                "patterns: unknown pattern 'speed'; known: card-testing, account-takeover,"
                        + " velocity, shared-device");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1,"
                        + " \"patterns\": {\"velocity\": {\"flagFor\": \"10 parsecs\"}}}",
                "patterns.velocity.flagFor: '10 parsecs' is not a duration");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1,"
                        + " \"patterns\": {\"velocity\": {\"within\": \"2 h\"}}}",
                "patterns.velocity.within: must be positive and at most the job's"
                        + " cep.velocity.within (10 min), got 2 h; longer needs a new job graph");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1,"
                        + " \"patterns\": {\"velocity\": {\"minCards\": 3}}}",
                "patterns.velocity.minCards: unknown field");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1,"
                        + " \"patterns\": {\"card-testing\": {\"minCards\": 1}}}",
                "patterns.card-testing.minCards: a whole number at least the job's"
                        + " cep.card-testing.min-cards (2)");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1,"
                        + " \"patterns\": {\"card-testing\": {\"maxProbeEur\": 50}}}",
                "patterns.card-testing.maxProbeEur: a positive amount at most the job's"
                        + " cep.card-testing.max-probe-eur (10.0)");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1,"
                        + " \"patterns\": {\"velocity\": {\"atLeast\": \"PANIC\"}}}",
                "patterns.velocity.atLeast: 'PANIC' is none of ALLOW, REVIEW, BLOCK");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1, \"deny\": {\"ipRanges\":"
                        + " [\"10.0.0.0/33\"]}}",
                "deny.ipRanges: '10.0.0.0/33' has a prefix length outside 0..32");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1, \"deny\": {\"ipRanges\":"
                        + " [\"example.com\"]}}",
                "deny.ipRanges: 'example.com' is not an IP address or CIDR range");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1,"
                        + " \"allow\": {\"shippingCountries\": [\"germany\"]}}",
                "allow.shippingCountries: 'germany' is not an ISO 3166-1 alpha-2 code");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1, \"deny\": {\"users\": \"u-1\"}}",
                "deny.users: a list of strings, got string");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1, \"thresholds\": 0.4}",
                "thresholds: an object, got number");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1, \"patterns\": {\"velocity\": true}}",
                "patterns.velocity: an object, got boolean");
        assertRejected(
                "{\"id\": \"default\", \"version\": 1, \"allow\": []}",
                "allow: an object, got array");
    }

    @Test
    void aFileIsReadForTheIdTheJobFollowsAndNamedInItsError(@TempDir Path dir) throws Exception {
        Path good =
                Files.writeString(
                        dir.resolve("good.json"), "{\"id\": \"default\", \"version\": 5}");
        Path other =
                Files.writeString(dir.resolve("other.json"), "{\"id\": \"eu\", \"version\": 5}");
        Path typo =
                Files.writeString(
                        dir.resolve("typo.json"),
                        "{\"id\": \"default\", \"version\": 5, \"deny\": {\"user\": []}}");

        assertThat(RuleSet.read(good, base).version()).isEqualTo(5);
        assertThatThrownBy(() -> RuleSet.read(other, base))
                .hasMessage(
                        other
                                + ": id 'eu' is not the one the job follows ('default',"
                                + " fraud.rules.id)");
        assertThatThrownBy(() -> RuleSet.read(typo, base))
                .hasMessage(
                        typo
                                + ": deny.user: unknown field; known here: users, devices,"
                                + " ipRanges, shippingCountries");
    }

    private void assertRejected(String document, String message) {
        assertThatThrownBy(() -> RuleSet.parse(document, base))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
