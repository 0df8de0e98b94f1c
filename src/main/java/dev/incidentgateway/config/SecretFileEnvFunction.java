package dev.incidentgateway.config;

import org.apache.camel.component.properties.EnvPropertiesFunction;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesFunction;

import java.util.Map;

/**
 * Camel's {@code {{env:NAME}}} in YAML routes, also read from the file {@code NAME_FILE} names when {@code NAME} is not
 * set ({@link SecretFiles}): the shipped chat target's {@code {{env:CHAT_WEBHOOK_URL}}} and an operator's own
 * {@code {{env:TEAM_CHAT_WEBHOOK_URL}}} take a mounted secret as every other secret does. Everything else, the default
 * after a colon ({@code {{env:NAME:}}}) and Camel's spellings of a name included, is Camel's own function's.
 */
public final class SecretFileEnvFunction implements PropertiesFunction {
    private final PropertiesFunction camels = new EnvPropertiesFunction();
    private final Map<String, String> env;

    SecretFileEnvFunction(Map<String, String> env) {
        this.env = env;
    }

    /** Replaces Camel's {@code env} function of {@code main}'s context before its routes are read. */
    public static void install(Main main) {
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport started) {
                started.getCamelContext().getPropertiesComponent().addPropertiesFunction(new SecretFileEnvFunction(System.getenv()));
            }
        });
    }

    @Override
    public String getName() {
        return "env";
    }

    @Override
    public String apply(String remainder) {
        int colon = remainder.indexOf(':');
        String name = colon < 0 ? remainder : remainder.substring(0, colon);
        String fromFile = SecretFiles.ofUnset(name, env); // refused: the route does not build, and the start names the variable
        return fromFile != null ? fromFile : camels.apply(remainder);
    }
}
