package dev.incidentgateway.config;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings are declared area by area ({@code *Settings}), and {@link GatewayConfig#KEYS} is what is loaded, checked
 * and listed: a key declared but left out of its area's list would be neither read nor validated, and its default
 * would hold without a word, whatever the operator set.
 */
class SettingsDeclarationsTest {
    private static final List<Class<?>> AREAS = List.of(HttpSettings.class, StoreSettings.class, RouteSettings.class,
            OutboxSettings.class, AuditSettings.class, IdentityProviderSettings.class, StreamSettings.class, KafkaSettings.class,
            LogSettings.class);

    @Test
    void everyDeclaredKeyIsLoadedExactlyOnce() throws IllegalAccessException {
        List<ConfigKey<?>> declared = new ArrayList<>();
        for (Class<?> area : AREAS) {
            for (Field field : area.getDeclaredFields()) {
                if (field.getType() == ConfigKey.class && Modifier.isStatic(field.getModifiers())) {
                    declared.add((ConfigKey<?>) field.get(null));
                }
            }
        }
        assertThat(GatewayConfig.KEYS).containsExactlyInAnyOrderElementsOf(declared);
    }

    @Test
    void namesAndVariablesAreUnique() {
        assertThat(GatewayConfig.KEYS.stream().map(ConfigKey::name)).doesNotHaveDuplicates();
        assertThat(GatewayConfig.KEYS.stream().map(ConfigKey::env)).doesNotHaveDuplicates();
    }

    @Test
    void everySettingsClassInThePackageIsAnArea() throws Exception {
        // A new *Settings class of declarations must be added to AREAS above and to GatewayConfig.KEYS.
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/java/dev/incidentgateway/config"))) {
            List<String> declaring = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith("Settings.java"))
                    .map(n -> n.substring(0, n.length() - ".java".length()))
                    .filter(n -> {
                        try {
                            return java.util.Arrays.stream(Class.forName("dev.incidentgateway.config." + n).getDeclaredFields())
                                    .anyMatch(f -> f.getType() == ConfigKey.class);
                        } catch (ClassNotFoundException e) {
                            throw new IllegalStateException(e);
                        }
                    }).toList();
            assertThat(declaring).containsExactlyInAnyOrderElementsOf(AREAS.stream().map(Class::getSimpleName).toList());
        }
    }
}
