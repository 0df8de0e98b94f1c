package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.TestStore;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Skipped visibly without GATEWAY_TEST_PG_URL; failed in CI. jqwik has its own skip hook: a JUnit assumption
 * would be an error in a jqwik lifecycle method and a discarded try inside a property.
 */
@AddLifecycleHook(InboundFuzzPostgresIT.RequirePostgres.class)
class InboundFuzzPostgresIT extends InboundFuzzContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }

    static final class RequirePostgres implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            return GatewayFixture.available(TestStore.Kind.POSTGRESQL) ? SkipResult.doNotSkip()
                    : SkipResult.skip("PostgreSQL tests skipped: set GATEWAY_TEST_PG_URL");
        }
    }
}
