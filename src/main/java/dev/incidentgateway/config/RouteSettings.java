package dev.incidentgateway.config;

import java.util.List;

/**
 * What the routes and connectors read: the directories of route files and connector descriptors, the CloudEvents type
 * prefix, and the settings of the shipped chat and SLA tracker routes.
 * Declared once here, listed in {@link GatewayConfig#KEYS}; read with {@link GatewayConfig#get}.
 */
public final class RouteSettings {
    public static final ConfigKey<String> ROUTES_DIR = ConfigKey.string("routes.dir", "GATEWAY_ROUTES_DIR", "",
            "Optional directory of extra Camel YAML DSL routes (*.camel.yaml) loaded next to the shipped ones.");
    public static final ConfigKey<String> CE_TYPE_PREFIX = ConfigKey.matching("cloudevents.typePrefix", "GATEWAY_CE_TYPE_PREFIX",
            "dev.incidentgateway", "[a-z0-9]+([.-][a-z0-9]+)*", "a reverse-DNS prefix such as dev.incidentgateway",
            "Prefix of CloudEvents types: <prefix>.incident.<eventType>.");
    public static final ConfigKey<String> CONNECTORS_DIR = ConfigKey.path("connectors.dir", "GATEWAY_CONNECTORS_DIR", "connectors",
            "Directory of connector descriptors (*.yaml). Those shipped in the jar are always loaded; a file here with the "
                    + "same name replaces one, a new file adds a connector. The default directory may be missing (then only the shipped "
                    + "ones); a directory set here must exist.");

    // Issue 11, the chat target written in YAML only (routes/outbound/chat-webhook.camel.yaml), read as {{gateway.chat.*}};
    // the URL is a secret (it holds the webhook's token), so the route reads it from the environment, never a Camel property.
    public static final ConfigKey<String> CHAT_WEBHOOK_URL = ConfigKey.secret("chat.webhookUrl", "CHAT_WEBHOOK_URL", "",
            "Incoming-webhook URL of a chat channel (Mattermost, Slack, Rocket.Chat, Google Chat; Teams with the route's "
                    + "Adaptive Card variant). Set in the environment: the route is off (not even created) while it is empty.");
    public static final ConfigKey<String> CHAT_WEBHOOK_EVENTS = ConfigKey.matching("chat.events", "CHAT_WEBHOOK_EVENTS",
            "declare,ack,mitigate,resolve,close,state_change", " *(declare|ack|mitigate|resolve|close|note|role_assign|state_change) *"
                    + "(, *(declare|ack|mitigate|resolve|close|note|role_assign|state_change) *)*",
            "a comma-separated list of event types", "Event types the chat target posts, comma-separated.");
    public static final ConfigKey<String> CHAT_WEBHOOK_MIN_SEVERITY = ConfigKey.matching("chat.minSeverity",
            "CHAT_WEBHOOK_MIN_SEVERITY", "sev4", "sev[1-4]", "sev1..sev4", "The chat target posts incidents of this severity and above.");
    // Issue 12, SLA clocks (sla/SlaTracker, routes/sla-tracker.camel.yaml).
    public static final ConfigKey<String> SLA_FILE = ConfigKey.string("sla.file", "GATEWAY_SLA_FILE", "",
            "SLA policy file (per severity: acknowledge, mitigate and resolve targets, warning threshold, business hours). "
                    + "Empty: ./config/sla.yaml if present, else the copy shipped in the jar. A bad file stops the start, naming the key.");
    public static final ConfigKey<Integer> SLA_SCAN_INTERVAL_MS = ConfigKey.integer("sla.scanIntervalMs", "GATEWAY_SLA_SCAN_INTERVAL_MS",
            30_000, 1_000, 3_600_000, "How often the SLA tracker recomputes the open incidents' clocks and records due warnings and breaches.");

    /** This area's keys, in the order {@code config} lists them. */
    static final List<ConfigKey<?>> KEYS = List.of(ROUTES_DIR, CE_TYPE_PREFIX, CONNECTORS_DIR, CHAT_WEBHOOK_URL,
            CHAT_WEBHOOK_EVENTS, CHAT_WEBHOOK_MIN_SEVERITY, SLA_FILE, SLA_SCAN_INTERVAL_MS);

    private RouteSettings() {
    }
}
