package dev.incidentgateway.connectors.slack;

import dev.incidentgateway.config.DescriptorKeys;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.outbox.IncidentLink;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.connectors.VendorSinkFactory;
import dev.incidentgateway.connectors.http.SinkHttpClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Slack connector ({@code connectors/slack.yaml}): a thread per incident in one channel, through the
 * Web API with a bot token. Environment: {@code SLACK_BOT_TOKEN} and {@code SLACK_CHANNEL} (required),
 * {@code SLACK_API_URL} (default {@value #DEFAULT_API_URL}), {@code GATEWAY_PUBLIC_URL} (optional: the messages
 * then link to the incident's console page, {@link IncidentLink}). Descriptor: {@code templates} ({@link SlackMessageBuilder}) and
 * {@code workspaceUrl} (optional, {@code https://<workspace>.slack.com}, for message permalinks).
 */
public final class SlackSinkFactory extends VendorSinkFactory {
    /** The descriptor keys the Slack sink reads besides templates and link. */
    static final DescriptorKeys KEYS = DescriptorKeys.of("workspaceUrl");

    public static final String API_URL = SlackSettings.API_URL.env();
    public static final String BOT_TOKEN = SlackSettings.BOT_TOKEN.env();
    public static final String CHANNEL = SlackSettings.CHANNEL.env();
    public static final String DEFAULT_API_URL = SlackSettings.DEFAULT_API_URL;

    private final ObjectMapper json;

    public SlackSinkFactory() {
        this(new ObjectMapper());
    }

    public SlackSinkFactory(ObjectMapper json) {
        super(SlackSink.CONNECTOR, SlackSettings.BOT_TOKEN, SlackSettings.CHANNEL);
        this.json = json;
    }

    @Override
    public Sink create(SinkDescriptor descriptor, Map<String, String> env, SinkHttpClient http) {
        String file = "connectors/" + descriptor.name() + ".yaml";
        List<String> problems = new ArrayList<>();
        SlackSettings settings = SlackSettings.from(env);
        String token = settings.token();
        String channel = settings.channel();
        String apiUrl = settings.apiUrl();
        if (token == null) {
            problems.add(file + ": " + BOT_TOKEN + " is not set (a bot token with the chat:write scope, "
                    + "see connectors/slack.yaml)");
        }
        if (channel == null) {
            problems.add(file + ": " + CHANNEL + " is not set (a channel name such as #incidents, or its ID)");
        }
        if (apiUrl != null && !apiUrl.matches("(?i)https?://\\S+")) {
            problems.add(file + ": " + API_URL + " must be an http(s) URL, got '" + apiUrl + "'");
        }
        String workspaceUrl = KEYS.path(descriptor.raw(), "workspaceUrl").asText(null);
        if (workspaceUrl != null && !workspaceUrl.matches("(?i)https?://\\S+")) {
            problems.add(file + ": workspaceUrl must be an http(s) URL, got '" + workspaceUrl + "'");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        SlackMessageBuilder messages = new SlackMessageBuilder(descriptor.templates(), IncidentLink.of(descriptor.raw(), env), json);
        return new SlackSink(apiUrl == null ? DEFAULT_API_URL : apiUrl, token, channel, workspaceUrl, messages, http, json);
    }
}
