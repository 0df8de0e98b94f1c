package dev.incidentgateway.testsupport;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * For jqwik containers on PostgreSQL ({@code @AddLifecycleHook(JqwikPostgresRequirement.class)}): skipped visibly
 * without GATEWAY_TEST_PG_URL. jqwik has its own skip hook: a JUnit assumption would be an error in a jqwik lifecycle
 * method and a discarded try inside a property.
 */
public final class JqwikPostgresRequirement implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        return PostgresTestDatabase.available() ? SkipResult.doNotSkip()
                : SkipResult.skip("PostgreSQL tests skipped: set GATEWAY_TEST_PG_URL");
    }
}
