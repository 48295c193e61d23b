package io.spore.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * JSON in and out of the CLI: one shared mapper. It is made on first use, not when a command class is loaded,
 * because picocli makes every command at start-up and Jackson's classes took a third of {@code --version}'s start.
 */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    @SuppressWarnings("unchecked")
    static java.util.Map<String, Object> toMap(com.fasterxml.jackson.databind.JsonNode node) {
        return MAPPER.convertValue(node, java.util.LinkedHashMap.class);
    }

    static com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String write(Object o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
