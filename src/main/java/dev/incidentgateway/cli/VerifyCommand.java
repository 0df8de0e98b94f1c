package dev.incidentgateway.cli;

import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.audit.ChainKeyEpochRecords;
import dev.incidentgateway.audit.ChainKeyEpochs;
import dev.incidentgateway.audit.ChainKeys;
import dev.incidentgateway.audit.CheckpointAnchors;
import dev.incidentgateway.audit.CheckpointFile;
import dev.incidentgateway.audit.CheckpointKeys;
import dev.incidentgateway.audit.CredentialRowCheck;
import dev.incidentgateway.audit.RetiredChainKeys;
import dev.incidentgateway.config.AuditSettings;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.timeline.ChainVerifier;
import dev.incidentgateway.timeline.GlobalChainVerifier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code verify [--checkpoint FILE] [--public-key FILE]...}: checks every incident's chain with the chain key, the
 * global chain over all events, every incident view against its log and the status counts against the views, the other
 * tables derived from the log (ChainVerifier's DerivedTablesCheck), and checkpoints (which ones, and with which keys: the options below,
 * which {@code --help} shows). Exit 1 with a line per problem, 0 with a summary.
 */
@Command(name = "verify", description = {"check the audit chain (exit 1 with a line per problem)",
        "Checks every incident's hash chain with the chain key, the global chain, every incident view against its log, "
                + "the status counts, the correlation keys, SLA settled marks, pollers' ticket links and outbox rows, and the latest "
                + "checkpoint of the gateway's checkpoint file (if it exists). Exit 0 with a summary."})
public final class VerifyCommand implements StoreCommand, StoreCommand.Parsed {
    @Option(names = "--checkpoint", paramLabel = "FILE", description = "check every checkpoint in FILE (JSON lines, one JSON "
            + "object or an array, as the gateway writes or serves them) instead of the gateway's latest")
    private Path checkpointArg;

    @Option(names = "--public-key", paramLabel = "FILE", description = "another public key the checkpoints' signatures may "
            + "be made with, besides the gateway's own (always accepted): an old key's .pub after a rotation, or one per "
            + "instance when instances sharing a database sign with keys of their own")
    private List<Path> publicKeyArgs = new ArrayList<>();

    @Override
    public int run(Context ctx, List<String> args, PrintStream out, PrintStream err) throws Exception {
        return StoreCommandLine.run(new VerifyCommand(), ctx, args, out, err);
    }

    /**
     * {@code --checkpoint} and {@code --public-key} as absolute paths: a relative FILE is the caller's, not one in the
     * running gateway's working directory (where it was looked up before, "no such file").
     */
    @Override
    public List<String> argsForRunningGateway(List<String> args) {
        VerifyCommand parsed = new VerifyCommand();
        new CommandLine(parsed).parseArgs(args.toArray(String[]::new)); // parsed once already: no usage error here
        List<String> resolved = new ArrayList<>();
        if (parsed.checkpointArg != null) {
            resolved.add("--checkpoint=" + parsed.checkpointArg.toAbsolutePath().normalize());
        }
        parsed.publicKeyArgs.forEach(key -> resolved.add("--public-key=" + key.toAbsolutePath().normalize()));
        return resolved;
    }

    @Override
    public int execute(Context ctx, PrintStream out, PrintStream err) throws Exception {
        // Checked here, not in validate(): the files must be readable where the command runs (a running gateway gets
        // them as absolute paths, argsForRunningGateway).
        if (!exists("--checkpoint", checkpointArg, err) || !publicKeyArgs.stream().allMatch(p -> exists("--public-key", p, err))) {
            return USAGE;
        }
        GatewayConfig config = ctx.config();
        ChainKey key;
        try {
            key = ChainKeys.existing(config).orElse(null);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        if (key == null && ChainKeys.storeHasKey(ctx.dataSource())) {
            err.println("No chain key: this store's audit chain is keyed. Set " + AuditSettings.CHAIN_KEY.env() + " or restore "
                    + ChainKeys.keyFile(config) + " (" + AuditSettings.KEYS_DIR.env() + ")");
            return USAGE;
        }
        if (key != null && !ChainKeys.matchesStore(key, ctx.dataSource())
                && Files.exists(dev.incidentgateway.audit.ChainKeyRotation.pendingFile(config))) {
            err.println("A chain-key rotate was interrupted after its commit (" + dev.incidentgateway.audit.ChainKeyRotation
                    .pendingFile(config) + " is there): run it again, or start the gateway, to finish it");
            return USAGE;
        }
        if (key != null && !ChainKeys.matchesStore(key, ctx.dataSource())) {
            out.println("BROKEN: " + ChainKeys.describe(config) + " is not the key this store's audit chain was written with");
            return BROKEN;
        }
        // The retired keys of earlier rotations, with the boundaries the keys directory pins; the store's record must agree.
        Path retiredFile = RetiredChainKeys.file(config);
        List<ChainKeyEpochs.Retired> retired;
        try {
            retired = RetiredChainKeys.read(retiredFile);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        List<ChainKeyEpochRecords.Recorded> recorded = ChainKeyEpochRecords.read(ctx.dataSource());
        List<String> missing = ChainKeyEpochRecords.missingKeys(recorded, retired);
        if (!missing.isEmpty()) {
            err.println("Missing retired chain key" + (missing.size() == 1 ? "" : "s") + ": the store records " + missing.size()
                    + " rotation" + (missing.size() == 1 ? "" : "s") + " whose old key is not in " + retiredFile
                    + "; restore that file from the backup of the keys directory (" + AuditSettings.KEYS_DIR.env() + ")");
            return USAGE;
        }
        List<String> problems = new ArrayList<>(ChainKeyEpochRecords.mismatches(recorded, retired, retiredFile.toString()));
        ChainKeyEpochs keys = ChainKeyEpochs.of(retired, key);
        ChainVerifier.Report incidents = new ChainVerifier(ctx.dataSource(), keys).verifyAll();
        for (ChainVerifier.BrokenLink link : incidents.broken()) {
            // no event: a gap, or a derived table's row (seq 0: of no event in particular)
            problems.add("incident " + link.incidentId() + (link.seq() == 0 && link.eventId() == null ? "" : " at seq " + link.seq())
                    + (link.eventId() == null ? "" : " (event " + link.eventId() + ")") + ": " + link.reason());
        }
        if (incidents.unlisted() > 0) {
            problems.add("… " + incidents.unlisted() + " more problems of incidents not listed");
        }
        problems.addAll(incidents.problems());

        Path checkpoints = checkpointArg != null ? checkpointArg : Path.of(config.get(AuditSettings.CHECKPOINT_FILE));
        List<CheckpointFile.Entry> entries = checkpointArg != null ? CheckpointFile.readAll(checkpointArg)
                : CheckpointAnchors.latestOf(checkpoints);
        if (checkpointArg != null && entries.isEmpty()) {
            problems.add(checkpointArg + " holds no checkpoint");
        }
        List<GlobalChainVerifier.Anchor> anchors = List.of();
        if (!entries.isEmpty()) {
            // The gateway's current key always counts: after a rotation the file holds checkpoints of the old key and
            // of the current one, and --public-key old.pub adds the old one (it replaced the current one before).
            List<PublicKey> trusted = new ArrayList<>();
            CheckpointKeys.gatewayPublicKey(config).ifPresent(trusted::add);
            for (Path p : publicKeyArgs) {
                trusted.add(CheckpointKeys.readPublicKey(p));
            }
            if (trusted.isEmpty()) {
                problems.add("cannot check the checkpoints' signatures: no public key at " + CheckpointKeys.publicKeyFile(config)
                        + " (give a copy with --public-key FILE)");
            } else {
                CheckpointAnchors.Result r = CheckpointAnchors.from(checkpoints, entries, trusted);
                problems.addAll(r.problems());
                anchors = r.anchors();
            }
        }
        GlobalChainVerifier.Report global = new GlobalChainVerifier(ctx.dataSource(), keys).verify(anchors);
        problems.addAll(global.problems());
        if (key != null) {
            problems.addAll(CredentialRowCheck.problems(ctx.dataSource(), key)); // api_keys and webhook_tokens rows
        }

        if (!problems.isEmpty()) {
            problems.forEach(p -> out.println("BROKEN: " + p));
            out.printf(Locale.ROOT, "%d problem%s found in %d incidents, %d events%n", problems.size(), problems.size() == 1 ? "" : "s",
                    incidents.incidents(), global.events());
            return BROKEN;
        }
        out.printf(Locale.ROOT, "OK: %d incidents, %d events; every incident's hash chain, the global chain and every incident view are intact%n",
                incidents.incidents(), global.events());
        if (global.legacyEvents() > 0) {
            out.printf(Locale.ROOT, "    %d events from before keyed hashing: unkeyed hashes, sealed into the global chain at the first keyed event%n",
                    global.legacyEvents());
        }
        if (anchors.isEmpty()) {
            out.printf(Locale.ROOT, "    no checkpoint checked (none in %s): removal of the newest events cannot be detected without one%n", checkpoints);
        } else {
            String newest = anchors.stream().map(GlobalChainVerifier.Anchor::eventId).max(String::compareTo).orElseThrow();
            out.printf(Locale.ROOT, "    %d signed checkpoint%s from %s checked: every event up to %s is in the log, unchanged%n", anchors.size(),
                    anchors.size() == 1 ? "" : "s", checkpoints, newest);
        }
        return OK;
    }

    private static boolean exists(String option, Path file, PrintStream err) {
        if (file != null && !Files.isRegularFile(file)) {
            err.println(option + ": no such file: " + file);
            return false;
        }
        return true;
    }
}
