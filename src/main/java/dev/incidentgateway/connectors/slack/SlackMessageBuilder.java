package dev.incidentgateway.connectors.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.IncidentLink;
import dev.incidentgateway.outbox.MessageTemplates;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one place a Slack message is built: the Web API payloads of the thread root (chat.postMessage, then
 * chat.update with the same content re-rendered for each later event) and of the thread
 * replies. Text comes from the descriptor's templates ({@link MessageTemplates}):
 * <ul>
 *   <li>{@code title}: the root's header block (plain text, at most 150 characters)</li>
 *   <li>{@code declare}: the root's summary section</li>
 *   <li>{@code status}: the root's status line (severity, status, commander), re-rendered with every event's status</li>
 *   <li>{@code update}: a thread reply, one per event after the declare</li>
 *   <li>{@code severity_change}: the reply for a state_change that set the severity (followed by {@code update} when it
 *   also set the status)</li>
 * </ul>
 * Rendered text is Slack mrkdwn with {@code &}, {@code <} and {@code >} escaped (so incident text cannot
 * inject mentions or links); lines left empty by missing values are dropped. The builder adds a context
 * line with the incident id and the gateway link, and message metadata
 * ({@code event_type: incident_gateway_event}, payload {@code incident_id}, {@code event_type},
 * {@code event_id}) so the thread can be matched to its incident by other Slack apps.
 */
public final class SlackMessageBuilder {
    /** Used for any template the descriptor does not set; the same texts as the shipped connectors/slack.yaml. */
    public static final Map<String, String> DEFAULT_TEMPLATES = Map.of(
            "title", "${incident.title}",
            // ${incident.status}, not "declared": chat.update re-renders the root with each event's status
            "declare", ":rotating_light: *${incident.severity}* incident ${incident.status}, updates follow in this thread.",
            "status", "*Severity:* ${incident.severity}   *Status:* ${incident.status}   *Commander:* ${incident.commander}",
            "update", "*${event.type}* by ${event.actor}\n${event.title}\n${event.content}",
            MessageTemplates.SEVERITY_CHANGE_TEMPLATE, MessageTemplates.SEVERITY_CHANGE);
    /**
     * The shipped {@code declare} text before it followed the status: a copy of the old connectors/slack.yaml (a config
     * map made from it) carries it as a default, not as a choice, so it is read as today's default.
     */
    static final String DECLARE_BEFORE_STATUS = ":rotating_light: *${incident.severity}* incident declared, updates follow in this thread.";
    /** Slack message metadata event type of every message the gateway posts. */
    public static final String METADATA_EVENT_TYPE = "incident_gateway_event";

    static final int HEADER_MAX = 150;
    static final int SECTION_MAX = 3000;

    private final Map<String, String> templates;
    private final IncidentLink link;
    private final ObjectMapper json;

    /**
     * @param templates the descriptor's templates (missing ones fall back to {@link #DEFAULT_TEMPLATES})
     * @param link      the incident's page in the console (empty without GATEWAY_PUBLIC_URL)
     */
    public SlackMessageBuilder(Map<String, String> templates, IncidentLink link, ObjectMapper json) {
        Map<String, String> merged = new HashMap<>(DEFAULT_TEMPLATES);
        if (templates != null) {
            merged.putAll(templates);
        }
        merged.replace("declare", DECLARE_BEFORE_STATUS, DEFAULT_TEMPLATES.get("declare"));
        this.templates = Map.copyOf(merged);
        this.link = link;
        this.json = json;
    }

    /** chat.postMessage payload of the thread root. {@code channel} may be a name or an ID. */
    public ObjectNode root(String channel, Delivery d) {
        ObjectNode msg = rootContent(d);
        msg.put("channel", channel);
        msg.put("unfurl_links", false);
        msg.put("unfurl_media", false);
        msg.set("metadata", metadata(d, "declare"));
        return msg;
    }

    /**
     * chat.update payload: the root re-rendered (status line as of the delivered event, so it never runs ahead of the
     * thread's replies). chat.update
     * replaces text and blocks whole, so root templates should use only {@code ${incident.*}} and {@code ${link}}.
     */
    public ObjectNode rootUpdate(String channelId, String ts, Delivery d) {
        ObjectNode msg = rootContent(d);
        msg.put("channel", channelId);
        msg.put("ts", ts);
        return msg; // without metadata: Slack keeps the root's
    }

    /** chat.postMessage payload of the thread reply for the delivery's event. */
    public ObjectNode reply(String channelId, String threadTs, Delivery d) {
        String body = replyText(d);
        if (body.isEmpty()) {
            body = escape(d.event().type().wireName());
        }
        ObjectNode msg = json.createObjectNode();
        msg.put("channel", channelId);
        msg.put("thread_ts", threadTs);
        msg.put("text", cut(body, SECTION_MAX));
        ArrayNode blocks = msg.putArray("blocks");
        blocks.add(section(body));
        msg.put("unfurl_links", false);
        msg.put("unfurl_media", false);
        msg.set("metadata", metadata(d, d.event().type().wireName()));
        return msg;
    }

    /** A severity change reads as one ("Severity changed sev3 → sev1 by carol: …"), not as a generic state_change. */
    private String replyText(Delivery d) {
        if (d.event().severityChange() == null) {
            return render("update", d);
        }
        String change = render(MessageTemplates.SEVERITY_CHANGE_TEMPLATE, d);
        return d.event().stateChangeTarget() == null ? change : (change + "\n" + render("update", d)).strip();
    }

    /** The incident's page in the gateway's console, or empty when no public URL is configured. */
    public String link(Delivery d) {
        return link.of(d);
    }

    private ObjectNode rootContent(Delivery d) {
        String title = MessageTemplates.render(templates.get("title"), d, link(d)).strip();
        if (title.isEmpty()) {
            title = "Incident " + d.incident().id();
        }
        String summary = render("declare", d);
        String status = render("status", d);
        ObjectNode msg = json.createObjectNode();
        // The notification / screen-reader fallback of the blocks.
        msg.put("text", cut(String.join("\n", escape(title), summary, status).strip(), SECTION_MAX));
        ArrayNode blocks = msg.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", cut(title, HEADER_MAX)).put("emoji", true);
        if (!summary.isEmpty()) {
            blocks.add(section(summary));
        }
        if (!status.isEmpty()) {
            blocks.add(section(status));
        }
        String context = "Incident `" + escape(d.incident().id()) + "`";
        String link = link(d);
        if (!link.isEmpty()) {
            context += " · <" + escape(link) + "|Open in Incident Gateway>";
        }
        ObjectNode ctx = blocks.addObject().put("type", "context");
        ctx.putArray("elements").addObject().put("type", "mrkdwn").put("text", context);
        return msg;
    }

    private ObjectNode section(String mrkdwn) {
        ObjectNode section = json.createObjectNode().put("type", "section");
        section.putObject("text").put("type", "mrkdwn").put("text", cut(mrkdwn, SECTION_MAX));
        return section;
    }

    private ObjectNode metadata(Delivery d, String eventType) {
        ObjectNode metadata = json.createObjectNode().put("event_type", METADATA_EVENT_TYPE);
        metadata.putObject("event_payload")
                .put("incident_id", d.incident().id())
                .put("event_type", eventType)
                .put("event_id", d.event().id());
        return metadata;
    }

    /** Renders a template as mrkdwn: values escaped, lines left empty dropped. */
    private String render(String name, Delivery d) {
        String text = escape(MessageTemplates.render(templates.get(name), d, link(d)));
        return text.lines().map(String::stripTrailing).filter(l -> !l.isBlank()).collect(Collectors.joining("\n"));
    }

    /** Slack's three control characters in mrkdwn and message text. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** At most {@code max} characters, with an ellipsis when cut; never splits a surrogate pair. */
    static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "…";
    }
}
