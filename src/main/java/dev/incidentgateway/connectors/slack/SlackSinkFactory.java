package dev.incidentgateway.connectors.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.outbox.SinkFactory;
import dev.incidentgateway.connectors.http.SinkHttpClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Slack connector ({@code connectors/slack.yaml}): a thread per incident in one channel, through the
 * Web API with a bot token. Environment: {@code SLACK_BOT_TOKEN} and {@code SLACK_CHANNEL} (required),
 * {@code SLACK_API_URL} (default {@value #DEFAULT_API_URL}), {@code GATEWAY_PUBLIC_URL} (optional: base of
 * the incident links in messages). Descriptor: {@code templates} ({@link SlackMessageBuilder}) and
 * {@code workspaceUrl} (optional, {@code https://<workspace>.slack.com}, for message permalinks).
 */
public final class SlackSinkFactory implements SinkFactory {
    public static final String API_URL = "SLACK_API_URL";
    public static final String BOT_TOKEN = "SLACK_BOT_TOKEN";
    public static final String CHANNEL = "SLACK_CHANNEL";
    public static final String PUBLIC_URL = "GATEWAY_PUBLIC_URL";
    public static final String DEFAULT_API_URL = "https://slack.com/api";

    private final ObjectMapper json;

    public SlackSinkFactory() {
        this(new ObjectMapper());
    }

    public SlackSinkFactory(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public String connector() {
        return SlackSink.CONNECTOR;
    }

    @Override
    public List<String> requiredEnv() {
        return List.of(BOT_TOKEN, CHANNEL);
    }

    @Override
    public Sink create(SinkDescriptor descriptor, Map<String, String> env, SinkHttpClient http) {
        String file = "connectors/" + descriptor.name() + ".yaml";
        List<String> problems = new ArrayList<>();
        String token = value(env, BOT_TOKEN);
        String channel = value(env, CHANNEL);
        String apiUrl = value(env, API_URL);
        if (token == null) {
            problems.add(file + ": " + BOT_TOKEN + " is not set (a bot token with the chat:write and "
                    + "channels:history scopes, see connectors/slack.yaml)");
        }
        if (channel == null) {
            problems.add(file + ": " + CHANNEL + " is not set (a channel name such as #incidents, or its ID)");
        }
        if (apiUrl != null && !apiUrl.matches("(?i)https?://\\S+")) {
            problems.add(file + ": " + API_URL + " must be an http(s) URL, got '" + apiUrl + "'");
        }
        String workspaceUrl = descriptor.raw() == null ? null : descriptor.raw().path("workspaceUrl").asText(null);
        if (workspaceUrl != null && !workspaceUrl.matches("(?i)https?://\\S+")) {
            problems.add(file + ": workspaceUrl must be an http(s) URL, got '" + workspaceUrl + "'");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        SlackMessageBuilder messages = new SlackMessageBuilder(descriptor.templates(), value(env, PUBLIC_URL), json);
        return new SlackSink(apiUrl == null ? DEFAULT_API_URL : apiUrl, token, channel, workspaceUrl, messages, http, json);
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }
}
