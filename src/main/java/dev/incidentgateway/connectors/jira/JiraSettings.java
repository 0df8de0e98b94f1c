package dev.incidentgateway.connectors.jira;

import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.ConnectorSettings;
import dev.incidentgateway.connectors.http.BasicAuthSite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Jira connector's environment, declared once and shared by the sink ({@link JiraConfig}) and the poller
 * ({@link JiraPollConfig}): the site, the account (Basic auth e-mail:API token), the project and the poll interval.
 */
public record JiraSettings(String url, String email, String token, String project) implements BasicAuthSite {
    static final int DEFAULT_POLL_INTERVAL_S = 60;
    public static final ConfigKey<String> URL = ConfigKey.string("jira.url", "JIRA_URL", "",
            "Jira Cloud site base URL, e.g. https://acme.atlassian.net (issue links are <JIRA_URL>/browse/<key>). With "
                    + "JIRA_EMAIL, JIRA_API_TOKEN and JIRA_PROJECT set, the jira sink and poller are on (connectors/jira.yaml).");
    public static final ConfigKey<String> EMAIL = ConfigKey.string("jira.email", "JIRA_EMAIL", "",
            "E-mail of the Atlassian account the gateway acts as (a bot account is best).");
    public static final ConfigKey<String> API_TOKEN = ConfigKey.secret("jira.apiToken", "JIRA_API_TOKEN", "",
            "API token of that account, sent as Basic auth JIRA_EMAIL:JIRA_API_TOKEN; never logged.");
    public static final ConfigKey<String> PROJECT = ConfigKey.string("jira.project", "JIRA_PROJECT", "",
            "Project key, e.g. OPS (Browse, Create, Add Comments and Transition Issues permissions needed).");
    public static final ConfigKey<Integer> POLL_INTERVAL = ConfigKey.integer("jira.pollIntervalSeconds", "JIRA_POLL_INTERVAL",
            DEFAULT_POLL_INTERVAL_S, 0, 9_999_999, "Seconds between polls of Jira's REST search (Jira → gateway); 0 turns the poller off.");
    public static final List<ConfigKey<?>> KEYS = List.of(URL, EMAIL, API_TOKEN, PROJECT, POLL_INTERVAL);

    public static JiraSettings from(Map<String, String> env) {
        return new JiraSettings(ConnectorSettings.text(URL, env).trim(), ConnectorSettings.text(EMAIL, env).trim(),
                ConnectorSettings.text(API_TOKEN, env).trim(), ConnectorSettings.text(PROJECT, env).trim().toUpperCase(Locale.ROOT));
    }

    /** All four variables are set. */
    boolean complete() {
        return !url.isEmpty() && !email.isEmpty() && !token.isEmpty() && !project.isEmpty();
    }

    /** What is wrong with the URL and project key, naming the variable; empty when both are fine. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!url.matches("https?://[^\\s/]+(/\\S*)?")) {
            problems.add(URL.env() + " must be the http(s) base URL of the Jira site (https://<site>.atlassian.net)");
        }
        if (!project.matches("[A-Za-z][A-Za-z0-9_]*")) {
            problems.add(PROJECT.env() + " must be a Jira project key such as OPS");
        }
        return problems;
    }

    @Override
    public String user() {
        return email;
    }

    @Override
    public String secret() {
        return token;
    }

    /** Never print the token (records print their components). */
    @Override
    public String toString() {
        return "JiraSettings[" + url + ", project=" + project + "]";
    }
}
