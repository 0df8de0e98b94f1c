package dev.incidentgateway.connectors.slack;

import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.ConnectorSettings;

import java.util.List;
import java.util.Map;

/**
 * The Slack connector's environment, declared once: the bot token, the channel and the Web API's base URL.
 * Values are {@code null} when unset (the factory names each missing one).
 */
public record SlackSettings(String token, String channel, String apiUrl) {
    public static final String DEFAULT_API_URL = "https://slack.com/api";
    public static final ConfigKey<String> BOT_TOKEN = ConfigKey.secret("slack.botToken", "SLACK_BOT_TOKEN", "",
            "Bot token (xoxb-…) of a Slack app with chat:write (and, for the duplicate check, channels:history or groups:history); "
                    + "with SLACK_CHANNEL set the slack sink is on (connectors/slack.yaml). Never logged.");
    public static final ConfigKey<String> CHANNEL = ConfigKey.string("slack.channel", "SLACK_CHANNEL", "",
            "The channel: its ID (C0123ABCD) or its name (#incidents, looked up once with channels:read).");
    public static final ConfigKey<String> API_URL = ConfigKey.string("slack.apiUrl", "SLACK_API_URL", DEFAULT_API_URL,
            "Slack Web API base URL (another one for a proxy or a test fake).");
    public static final List<ConfigKey<?>> KEYS = List.of(BOT_TOKEN, CHANNEL, API_URL);

    public static SlackSettings from(Map<String, String> env) {
        return new SlackSettings(value(BOT_TOKEN, env), value(CHANNEL, env), value(API_URL, env));
    }

    private static String value(ConfigKey<String> key, Map<String, String> env) {
        String value = ConnectorSettings.ifSet(key, env);
        return value == null ? null : value.strip();
    }

    /** Never print the token (records print their components). */
    @Override
    public String toString() {
        return "SlackSettings[" + channel + ", " + apiUrl + "]";
    }
}
