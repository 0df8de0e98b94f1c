package dev.incidentgateway.ingest.generic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;

import java.util.ArrayList;
import java.util.List;

/**
 * One mapped field: a JSONPath, or a list of alternatives tried in order, evaluated against one item.
 * The first alternative that yields a present value (not missing, not {@code null}, not a blank string)
 * wins; an indefinite path (wildcard, filter, deep scan) contributes its first match.
 */
public final class FieldPath {
    private static final ObjectMapper TREES = new ObjectMapper();
    /** Missing properties read as {@code null} instead of throwing: absence is decided here, not by Jayway. */
    static final Configuration LENIENT = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(TREES))
            .mappingProvider(new JacksonMappingProvider(TREES))
            .options(Option.SUPPRESS_EXCEPTIONS)
            .build();
    /** Missing properties throw {@link com.jayway.jsonpath.PathNotFoundException} (used for {@code items}). */
    static final Configuration STRICT = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(TREES))
            .mappingProvider(new JacksonMappingProvider(TREES))
            .build();

    private final List<String> expressions;
    private final List<JsonPath> compiled;

    private FieldPath(List<String> expressions, List<JsonPath> compiled) {
        this.expressions = List.copyOf(expressions);
        this.compiled = List.copyOf(compiled);
    }

    /**
     * Compiles every expression.
     *
     * @throws IllegalArgumentException naming the first expression that is not a JSONPath rooted at {@code $}
     */
    public static FieldPath of(List<String> expressions) {
        if (expressions.isEmpty()) {
            throw new IllegalArgumentException("at least one JSONPath is required");
        }
        List<JsonPath> compiled = new ArrayList<>();
        for (String expression : expressions) {
            compiled.add(compile(expression));
        }
        return new FieldPath(expressions, compiled);
    }

    /** @throws IllegalArgumentException when {@code expression} is not a JSONPath starting with {@code $} */
    static JsonPath compile(String expression) {
        if (expression == null || !expression.startsWith("$")) {
            throw new IllegalArgumentException("'" + expression + "' is not a JSONPath: it must start with $");
        }
        try {
            return JsonPath.compile(expression);
        } catch (InvalidPathException | IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + expression + "' is not a valid JSONPath: " + e.getMessage());
        }
    }

    /** The expressions, in the order they are tried. */
    public List<String> expressions() {
        return expressions;
    }

    /** The expression that names this field in an error: the first alternative. */
    public String display() {
        return expressions.get(0);
    }

    /** The first present value and the expression that found it, or {@code null} when none is present. */
    Hit first(JsonNode item) {
        return first(item, v -> true);
    }

    /** The first alternative whose value is present and {@code usable}. */
    Hit first(JsonNode item, java.util.function.Predicate<JsonNode> usable) {
        for (int i = 0; i < compiled.size(); i++) {
            JsonNode value = read(compiled.get(i), item);
            if (present(value) && usable.test(value)) {
                return new Hit(expressions.get(i), value);
            }
        }
        return null;
    }

    private static JsonNode read(JsonPath path, JsonNode item) {
        Object result = JsonPath.using(LENIENT).parse(item).read(path);
        JsonNode node = result == null ? null : result instanceof JsonNode n ? n : TREES.valueToTree(result);
        if (node != null && !path.isDefinite()) {
            node = node.isArray() && !node.isEmpty() ? node.get(0) : null;
        }
        return node;
    }

    private static boolean present(JsonNode value) {
        return value != null && !value.isNull() && !value.isMissingNode()
                && !(value.isTextual() && value.asText().isBlank());
    }

    /** A string or a number (as its JSON text); anything else is not text. */
    static boolean isText(JsonNode value) {
        return value.isTextual() || value.isNumber();
    }

    @Override
    public String toString() {
        return expressions.size() == 1 ? expressions.get(0) : expressions.toString();
    }

    /** A present value and the alternative it came from. */
    record Hit(String expression, JsonNode value) {
        String text() {
            return value.asText();
        }
    }
}
