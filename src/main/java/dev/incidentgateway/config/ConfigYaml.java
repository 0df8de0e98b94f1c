package dev.incidentgateway.config;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The one reader of the operator's YAML files (settings, SLA policies, connector descriptors). A key given twice in one
 * mapping ({@code store:} twice, {@code url:} twice under it) is refused, at the second key's line and column
 * ({@link ConfigFileProblem}): YAML requires keys to be unique, and Jackson's default, the later one silently winning,
 * hid a half-edited file (the operator changed the first {@code url:} and the gateway used the second).
 */
public final class ConfigYaml {
    /** Immutable, so shared: Jackson's strict duplicate detection ({@link StreamReadFeature#STRICT_DUPLICATE_DETECTION}). */
    public static final ObjectReader READER = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()).reader();

    private ConfigYaml() {
    }
}
