package io.spore.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** --json output: one shared mapper. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    @SuppressWarnings("unchecked")
    static java.util.Map<String, Object> toMap(com.fasterxml.jackson.databind.JsonNode node) {
        return MAPPER.convertValue(node, java.util.LinkedHashMap.class);
    }

    static String write(Object o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
