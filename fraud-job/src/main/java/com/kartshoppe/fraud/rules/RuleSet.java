package com.kartshoppe.fraud.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kartshoppe.events.Decision;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.fraud.FraudOptions;
import com.kartshoppe.fraud.decision.FraudCase;
import com.kartshoppe.fraud.patterns.FraudPattern;
import com.kartshoppe.fraud.patterns.PatternHit;
import com.kartshoppe.fraud.patterns.PatternSettings;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.TimeUtils;

/**
 * The fraud job's rules in force: the review and block thresholds, what each pattern's hits do, and
 * allow and deny lists. The job starts under the rule set of its settings ({@link
 * #fromConfiguration}: version 0, or the file of {@code fraud.rules.file}); a rule set published to
 * {@code fraud.rules} replaces it while the job runs ({@link RuleSetUpdates}).
 *
 * <p>A rule-set document is JSON; every field but {@code id} and {@code version} is optional and
 * takes the job's start-time value when left out:
 *
 * <pre>{@code
 * {"id": "default", "version": 2, "description": "holiday season",
 *  "thresholds": {"review": 0.4, "block": 0.9},
 *  "patterns": {"velocity": {"enabled": true, "atLeast": "REVIEW", "flagFor": "20 min", "within": "5 min"},
 *               "card-testing": {"minCards": 3, "maxProbeEur": 5}},
 *  "allow": {"users": ["u-42"]},
 *  "deny": {"devices": ["d-666"], "ipRanges": ["203.0.113.0/24"], "shippingCountries": ["XX"]}}
 * }</pre>
 *
 * <p>What a rule set can change at runtime is what is checked after a CEP match or after scoring. A
 * pattern's structure, fixed when the job graph is built, sets the outer bounds: {@code flagFor}
 * and {@code within} at most the job's {@code cep.<id>.flag-for} and {@code cep.<id>.within},
 * {@code minCards} at least {@code cep.card-testing.min-cards}, {@code maxProbeEur} at most {@code
 * cep.card-testing.max-probe-eur}. Counts ({@code min-declines}, {@code min-orders}, {@code
 * min-failed-logins}, {@code min-accounts}) and {@code known-device-for} need a new job graph.
 *
 * <p>Deciding ({@link FraudCase#verdict}): the score's threshold, then each counted pattern raises
 * the decision to at least its {@code atLeast}; an order whose user, device, IP or shipping country
 * is allow-listed is then ALLOWed, and a deny-listed one BLOCKed (deny wins over allow). The
 * reasons keep what was overridden and end with {@code allow:<what>} or {@code deny:<what>}.
 */
public final class RuleSet implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    private final long version;
    private final String description;
    private final double review;
    private final double block;
    private final EnumMap<FraudPattern, PatternRule> patterns;
    private final EntityLists allow;
    private final EntityLists deny;

    /** The job's structure: the bounds of what a rule set may change. */
    private final PatternSettings structure;

    private RuleSet(
            String id,
            long version,
            String description,
            double review,
            double block,
            EnumMap<FraudPattern, PatternRule> patterns,
            EntityLists allow,
            EntityLists deny,
            PatternSettings structure) {
        this.id = id;
        this.version = version;
        this.description = description;
        this.review = review;
        this.block = block;
        this.patterns = patterns;
        this.allow = allow;
        this.deny = deny;
        this.structure = structure;
    }

    /**
     * The rule set of the job's settings: id {@code fraud.rules.id}, version 0, the thresholds and
     * pattern settings, no lists.
     *
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public static RuleSet fromConfiguration(Configuration conf) {
        PatternSettings structure = PatternSettings.from(conf);
        EnumMap<FraudPattern, PatternRule> patterns = new EnumMap<>(FraudPattern.class);
        for (FraudPattern p : FraudPattern.values()) {
            patterns.put(
                    p,
                    new PatternRule(
                            true,
                            structure.atLeast().get(p),
                            structure.flagFor(p),
                            structure.within(p),
                            structure.minCards(),
                            structure.maxProbeCents()));
        }
        String id = conf.get(FraudOptions.RULES_ID);
        if (id.isBlank()) {
            throw new IllegalArgumentException(FraudOptions.RULES_ID.key() + " must not be blank");
        }
        double review = conf.get(FraudOptions.REVIEW_THRESHOLD);
        double block = conf.get(FraudOptions.BLOCK_THRESHOLD);
        checkThresholds(
                review,
                block,
                FraudOptions.REVIEW_THRESHOLD.key() + " and " + FraudOptions.BLOCK_THRESHOLD.key());
        return new RuleSet(
                id,
                0,
                "the job's settings",
                review,
                block,
                patterns,
                EntityLists.EMPTY,
                EntityLists.EMPTY,
                structure);
    }

    /**
     * Parses and validates a rule-set document; what it leaves out is taken from {@code base}, and
     * {@code base}'s job structure bounds it.
     *
     * @throws IllegalArgumentException one line naming the field that is wrong and why
     */
    public static RuleSet parse(String document, RuleSet base) {
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "not JSON: "
                            + e.getOriginalMessage()
                            + " (line "
                            + e.getLocation().getLineNr()
                            + ", column "
                            + e.getLocation().getColumnNr()
                            + ")");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("a rule set is a JSON object, got " + kind(root));
        }
        Fields top =
                new Fields(
                        "",
                        root,
                        "id",
                        "version",
                        "description",
                        "thresholds",
                        "patterns",
                        "allow",
                        "deny");
        String id = top.text("id", null);
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id: required, a non-empty string");
        }
        JsonNode versionNode = top.node("version");
        if (versionNode == null
                || !versionNode.canConvertToLong()
                || !versionNode.isIntegralNumber()) {
            throw new IllegalArgumentException("version: required, a whole number >= 0");
        }
        long version = versionNode.asLong();
        if (version < 0) {
            throw new IllegalArgumentException("version: must be >= 0, got " + version);
        }
        String description = top.text("description", "");

        double review = base.review;
        double block = base.block;
        JsonNode thresholds = top.node("thresholds");
        if (thresholds != null) {
            Fields t = new Fields("thresholds.", thresholds, "review", "block");
            review = t.number("review", review);
            block = t.number("block", block);
        }
        checkThresholds(review, block, "thresholds.review and thresholds.block");

        EnumMap<FraudPattern, PatternRule> patterns = new EnumMap<>(base.patterns);
        JsonNode patternNodes = top.node("patterns");
        if (patternNodes != null) {
            if (!patternNodes.isObject()) {
                throw new IllegalArgumentException(
                        "patterns: an object by pattern id, got " + kind(patternNodes));
            }
            Iterator<Map.Entry<String, JsonNode>> entries = patternNodes.fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                FraudPattern p = pattern(entry.getKey());
                patterns.put(p, base.patternRule(p, entry.getValue(), patterns.get(p)));
            }
        }
        EntityLists allow = lists("allow", top.node("allow"));
        EntityLists deny = lists("deny", top.node("deny"));
        return new RuleSet(
                id, version, description, review, block, patterns, allow, deny, base.structure);
    }

    /**
     * The rule set in {@code file} over {@code base}, for a job that follows {@code base}'s id.
     *
     * @throws IllegalArgumentException one line, {@code <file>: <what is wrong>}, also for a set of
     *     another id
     * @throws IOException if the file cannot be read
     */
    public static RuleSet read(Path file, RuleSet base) throws IOException {
        RuleSet rules;
        try {
            rules = parse(Files.readString(file, StandardCharsets.UTF_8), base);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        if (!rules.id.equals(base.id)) {
            throw new IllegalArgumentException(
                    file
                            + ": id '"
                            + rules.id
                            + "' is not the one the job follows ('"
                            + base.id
                            + "', "
                            + FraudOptions.RULES_ID.key()
                            + ")");
        }
        return rules;
    }

    private PatternRule patternRule(FraudPattern p, JsonNode node, PatternRule was) {
        String at = "patterns." + p.id() + ".";
        boolean cards = p == FraudPattern.CARD_TESTING;
        Fields f =
                cards
                        ? new Fields(
                                at,
                                node,
                                "enabled",
                                "atLeast",
                                "flagFor",
                                "within",
                                "minCards",
                                "maxProbeEur")
                        : new Fields(at, node, "enabled", "atLeast", "flagFor", "within");
        boolean enabled = f.bool("enabled", was.enabled());
        Decision atLeast = was.atLeast();
        String least = f.text("atLeast", null);
        if (least != null) {
            try {
                atLeast = Decision.valueOf(least.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        at + "atLeast: '" + least + "' is none of ALLOW, REVIEW, BLOCK");
            }
        }
        Duration flagFor =
                f.duration("flagFor", was.flagFor(), structure.flagFor(p), p.flagForOption().key());
        Duration within =
                f.duration("within", was.within(), structure.within(p), p.withinOption().key());
        int minCards = was.minCards();
        long maxProbeCents = was.maxProbeCents();
        if (cards) {
            double minCardsValue = f.number("minCards", minCards);
            if (minCardsValue != Math.rint(minCardsValue) || minCardsValue < structure.minCards()) {
                throw new IllegalArgumentException(
                        at
                                + "minCards: a whole number at least the job's "
                                + PatternSettings.MIN_CARDS.key()
                                + " ("
                                + structure.minCards()
                                + "), got "
                                + f.node("minCards")
                                + "; fewer cards need a new job graph");
            }
            minCards = (int) minCardsValue;
            double probeEur = f.number("maxProbeEur", maxProbeCents / 100.0);
            long probeCents = Math.round(probeEur * 100);
            if (!(probeEur > 0) || probeCents > structure.maxProbeCents()) {
                throw new IllegalArgumentException(
                        at
                                + "maxProbeEur: a positive amount at most the job's "
                                + PatternSettings.MAX_PROBE_EUR.key()
                                + " ("
                                + structure.maxProbeCents() / 100.0
                                + "), got "
                                + f.node("maxProbeEur")
                                + "; larger probes need a new job graph");
            }
            maxProbeCents = probeCents;
        }
        return new PatternRule(enabled, atLeast, flagFor, within, minCards, maxProbeCents);
    }

    private static FraudPattern pattern(String id) {
        for (FraudPattern p : FraudPattern.values()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        List<String> known = new ArrayList<>();
        for (FraudPattern p : FraudPattern.values()) {
            known.add(p.id());
        }
        throw new IllegalArgumentException(
                "patterns: unknown pattern '" + id + "'; known: " + String.join(", ", known));
    }

    private static EntityLists lists(String name, JsonNode node) {
        if (node == null) {
            return EntityLists.EMPTY;
        }
        String at = name + ".";
        Fields f = new Fields(at, node, "users", "devices", "ipRanges", "shippingCountries");
        List<IpRange> ranges = new ArrayList<>();
        for (String cidr : f.strings("ipRanges", s -> s)) {
            try {
                ranges.add(IpRange.parse(cidr));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + "ipRanges: " + e.getMessage());
            }
        }
        Set<String> countries =
                f.strings(
                        "shippingCountries",
                        c -> {
                            if (!c.matches("[A-Z]{2}")) {
                                throw new IllegalArgumentException(
                                        at
                                                + "shippingCountries: '"
                                                + c
                                                + "' is not an ISO 3166-1 alpha-2 code (two"
                                                + " upper-case letters, e.g. DE)");
                            }
                            return c;
                        });
        return new EntityLists(
                f.strings("users", s -> s), f.strings("devices", s -> s), ranges, countries);
    }

    private static void checkThresholds(double review, double block, String names) {
        if (!(review >= 0 && review <= block && block <= 1)) {
            throw new IllegalArgumentException(
                    names
                            + " must satisfy 0 <= review <= block <= 1, got "
                            + review
                            + " and "
                            + block);
        }
    }

    private static String kind(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** An object's fields, with the names it may have; any other name is an error. */
    private static final class Fields {
        private final String at;
        private final JsonNode node;

        Fields(String at, JsonNode node, String... known) {
            if (!node.isObject()) {
                throw new IllegalArgumentException(
                        (at.isEmpty() ? "a rule set" : at.substring(0, at.length() - 1))
                                + ": an object, got "
                                + kind(node));
            }
            this.at = at;
            this.node = node;
            Set<String> names = Set.of(known);
            Iterator<String> given = node.fieldNames();
            while (given.hasNext()) {
                String name = given.next();
                if (!names.contains(name)) {
                    throw new IllegalArgumentException(
                            at + name + ": unknown field; known here: " + String.join(", ", known));
                }
            }
        }

        JsonNode node(String name) {
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? null : value;
        }

        String text(String name, String otherwise) {
            JsonNode value = node(name);
            if (value == null) {
                return otherwise;
            }
            if (!value.isTextual()) {
                throw new IllegalArgumentException(at + name + ": a string, got " + kind(value));
            }
            return value.asText();
        }

        double number(String name, double otherwise) {
            JsonNode value = node(name);
            if (value == null) {
                return otherwise;
            }
            if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
                throw new IllegalArgumentException(at + name + ": a number, got " + value);
            }
            return value.asDouble();
        }

        boolean bool(String name, boolean otherwise) {
            JsonNode value = node(name);
            if (value == null) {
                return otherwise;
            }
            if (!value.isBoolean()) {
                throw new IllegalArgumentException(at + name + ": true or false, got " + value);
            }
            return value.asBoolean();
        }

        Duration duration(String name, Duration otherwise, Duration most, String bound) {
            String text = text(name, null);
            if (text == null) {
                return otherwise;
            }
            Duration d;
            try {
                d = TimeUtils.parseDuration(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        at + name + ": '" + text + "' is not a duration (e.g. 90 s, 20 min, 1 h)");
            }
            if (d.isZero() || d.isNegative() || d.compareTo(most) > 0) {
                throw new IllegalArgumentException(
                        at
                                + name
                                + ": must be positive and at most the job's "
                                + bound
                                + " ("
                                + TimeUtils.formatWithHighestUnit(most)
                                + "), got "
                                + text
                                + "; longer needs a new job graph");
            }
            return d;
        }

        Set<String> strings(String name, Function<String, String> check) {
            JsonNode value = node(name);
            Set<String> out = new LinkedHashSet<>();
            if (value == null) {
                return out;
            }
            if (!value.isArray()) {
                throw new IllegalArgumentException(
                        at + name + ": a list of strings, got " + kind(value));
            }
            for (JsonNode item : value) {
                if (!item.isTextual() || item.asText().isBlank()) {
                    throw new IllegalArgumentException(
                            at + name + ": a list of non-empty strings, got " + item);
                }
                out.add(check.apply(item.asText()));
            }
            return out;
        }
    }

    /**
     * Whether {@code hit} flags an order at {@code orderTime} under this rule set: its pattern is
     * enabled, the order comes after the hit and within {@code flagFor} of it, the hit spans at
     * most {@code within}, and a card-testing hit has enough cards and small enough probes.
     */
    public boolean flags(PatternHit hit, long orderTime) {
        PatternRule rule = patterns.get(hit.pattern);
        if (!rule.enabled()
                || hit.time >= orderTime
                || orderTime > hit.time + rule.flagFor().toMillis()
                || hit.time - hit.start > rule.within().toMillis()) {
            return false;
        }
        return hit.pattern != FraudPattern.CARD_TESTING
                || (hit.distinct >= rule.minCards() && hit.largestCents <= rule.maxProbeCents());
    }

    /**
     * Prepares {@code order}, already flagged ({@link #flags}), for its verdict: the thresholds,
     * the least decision of its flagging patterns, what it matches on the lists, this set's id and
     * version.
     */
    public void applyTo(FraudCase order) {
        order.review = review;
        order.block = block;
        Decision least = Decision.ALLOW;
        for (FraudPattern p : FraudPattern.values()) {
            if (order.flagged(p)) {
                Decision d = patterns.get(p).atLeast();
                if (d.compareTo(least) > 0) {
                    least = d;
                }
            }
        }
        order.least = least;
        OrderEvent placed = order.featured.event.order;
        String denied = deny.match(placed);
        String allowed = denied == null ? allow.match(placed) : null;
        order.listed = denied != null ? DENY + denied : allowed != null ? ALLOW + allowed : null;
        order.ruleSetId = id;
        order.ruleSetVersion = version;
    }

    /** The reason prefix of an allow-listed order. */
    public static final String ALLOW = "allow:";

    /** The reason prefix of a deny-listed order. */
    public static final String DENY = "deny:";

    public String id() {
        return id;
    }

    public long version() {
        return version;
    }

    public String description() {
        return description;
    }

    public double review() {
        return review;
    }

    public double block() {
        return block;
    }

    public PatternRule pattern(FraudPattern p) {
        return patterns.get(p);
    }

    public EntityLists allow() {
        return allow;
    }

    public EntityLists deny() {
        return deny;
    }

    /** One line: id, version, thresholds, patterns that differ from the base, list sizes. */
    public String summary() {
        List<String> off = new ArrayList<>();
        for (FraudPattern p : FraudPattern.values()) {
            if (!patterns.get(p).enabled()) {
                off.add(p.id());
            }
        }
        return id
                + " v"
                + version
                + ": review >= "
                + review
                + ", block >= "
                + block
                + (off.isEmpty() ? "" : ", disabled " + String.join(" ", off))
                + ", allow "
                + allow.size()
                + ", deny "
                + deny.size()
                + (description.isEmpty() ? "" : " (" + description + ")");
    }

    /** The whole set as a JSON document, every field written out. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id).put("version", version).put("description", description);
        root.putObject("thresholds").put("review", review).put("block", block);
        ObjectNode ps = root.putObject("patterns");
        for (FraudPattern p : FraudPattern.values()) {
            PatternRule r = patterns.get(p);
            ObjectNode n =
                    ps.putObject(p.id())
                            .put("enabled", r.enabled())
                            .put("atLeast", r.atLeast().name())
                            .put("flagFor", TimeUtils.formatWithHighestUnit(r.flagFor()))
                            .put("within", TimeUtils.formatWithHighestUnit(r.within()));
            if (p == FraudPattern.CARD_TESTING) {
                n.put("minCards", r.minCards()).put("maxProbeEur", r.maxProbeCents() / 100.0);
            }
        }
        writeLists(root.putObject("allow"), allow);
        writeLists(root.putObject("deny"), deny);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeLists(ObjectNode node, EntityLists lists) {
        lists.users().forEach(node.putArray("users")::add);
        lists.devices().forEach(node.putArray("devices")::add);
        ArrayNode ranges = node.putArray("ipRanges");
        lists.ipRanges().forEach(r -> ranges.add(r.toString()));
        lists.countries().forEach(node.putArray("shippingCountries")::add);
    }

    @Override
    public String toString() {
        return summary();
    }
}
