package com.kartshoppe.events.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks that a JSON line holds exactly one JSON object, within the limits a record can have, and
 * names its top-level fields: what Avro's JSON decoder does not check. It reads the first value of
 * a line and ignores the rest, so {@code {..} {..}} read as one record; and the schema-version
 * fallback of {@link JsonCodec} needs the field names to tell a line of an older version from a
 * current line with a bad value.
 *
 * <p>Limits: nesting 16 deep (the schemas need 4), numbers of 64 characters (a long needs 20), and
 * strings as long as {@link AvroLimits#STRING_MAX} allows the binary decoder, so a replay rejects
 * what the live topic would.
 */
final class JsonObjectLine {

    private static final int MAX_DEPTH = 16;
    private static final int MAX_NUMBER_LENGTH = 64;
    private static final int MAX_STRING_LENGTH = maxStringLength();

    private static final JsonFactory FACTORY =
            JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder()
                                    .maxNestingDepth(MAX_DEPTH)
                                    .maxNumberLength(MAX_NUMBER_LENGTH)
                                    .build())
                    .build();

    private JsonObjectLine() {}

    /**
     * The names of the line's top-level fields.
     *
     * @throws DecodeException ({@link DecodeException#MALFORMED_JSON}) saying what is wrong: not
     *     JSON, not an object, something after the object, or a limit exceeded
     */
    static Set<String> fieldNames(String typeName, String line) throws DecodeException {
        try (JsonParser parser = FACTORY.createParser(line)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw problem(typeName, "empty line", null);
            }
            if (first != JsonToken.START_OBJECT) {
                throw problem(typeName, "not a JSON object but " + describe(first), null);
            }
            Set<String> fields = new HashSet<>();
            int depth = 1;
            while (depth > 0) {
                // Never null inside the object: the parser fails on a truncated line instead.
                JsonToken t = parser.nextToken();
                switch (t) {
                    case FIELD_NAME -> {
                        if (depth == 1) {
                            fields.add(parser.currentName());
                        }
                    }
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case VALUE_STRING -> {
                        int length = parser.getTextLength();
                        if (length > MAX_STRING_LENGTH) {
                            throw problem(
                                    typeName,
                                    "a string of "
                                            + length
                                            + " characters, over the limit of "
                                            + MAX_STRING_LENGTH
                                            + " ("
                                            + AvroLimits.STRING_MAX
                                            + ")",
                                    null);
                        }
                    }
                    default -> {}
                }
            }
            long end = parser.currentLocation().getCharOffset();
            JsonToken after = parser.nextToken();
            if (after != null) {
                throw problem(
                        typeName,
                        describe(after) + " after the record, which ends at character " + end,
                        null);
            }
            return fields;
        } catch (DecodeException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw problem(typeName, "not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw problem(typeName, "not JSON: " + e, e);
        }
    }

    private static DecodeException problem(String typeName, String what, Throwable cause) {
        return new DecodeException(DecodeException.MALFORMED_JSON, typeName + ": " + what, cause);
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "another object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }

    private static int maxStringLength() {
        AvroLimits.applyDefaults();
        return Integer.getInteger(AvroLimits.STRING_MAX, 8 << 20);
    }
}
