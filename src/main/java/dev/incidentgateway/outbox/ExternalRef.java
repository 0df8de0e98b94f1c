package dev.incidentgateway.outbox;

/**
 * An incident's identity at a target, written (row {@code external_refs}) in the same transaction that marks
 * the creating delivery done, so later events update that ticket or thread instead of creating another.
 *
 * @param externalId  ServiceNow sys_id, Jira issue id, Slack message ts (thread root)
 * @param externalKey ServiceNow number (INC0010001), Jira key (OPS-12); {@code null} for Slack
 * @param channel     Slack channel id (chat.update needs the id, not the name); {@code null} elsewhere
 * @param url         a link to the ticket or message, when the target returns one
 */
public record ExternalRef(String incidentId, String connector, String externalId, String externalKey, String channel,
                          String url) {
}
