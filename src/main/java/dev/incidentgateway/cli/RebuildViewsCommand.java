package dev.incidentgateway.cli;

import dev.incidentgateway.timeline.ViewRebuilder;

import java.io.PrintStream;
import java.util.List;

/** {@code rebuild-views}: recomputes the incidents view from the event log. */
public final class RebuildViewsCommand implements StoreCommand {
    @Override
    public int run(Context ctx, List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (StoreCommand.refusesOptions("rebuild-views", args, err)) {
            return USAGE;
        }
        int n = new ViewRebuilder(ctx.dataSource(), ctx.dialect()).rebuild();
        out.printf("Rebuilt the view of %d incidents from the event log%n", n);
        return OK;
    }
}
