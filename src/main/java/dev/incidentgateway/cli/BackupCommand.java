package dev.incidentgateway.cli;

import dev.incidentgateway.config.AuditSettings;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.store.H2DataDirectory;
import dev.incidentgateway.store.SqlDialect;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * {@code backup --to FILE}: one zip holding what belongs together (README, "Operating it"): the embedded H2 store as H2's
 * {@code BACKUP TO} writes it while the gateway runs (transactionally consistent: H2 copies a committed version of the
 * file, nothing is locked), the keys directory and the checkpoint file. Each entry is named by its path relative to the
 * gateway's working directory ({@code data/gateway.mv.db}, {@code keys/chain.key}), or by its absolute path without the
 * leading {@code /} when it lies outside it, so {@code unzip FILE} in that directory puts everything back where it was.
 * On PostgreSQL the database's own tools are the backup (pg_dump), so the command refuses and names them.
 */
@Command(name = "backup", description = {"an online backup of the embedded H2 store, with keys/ and the checkpoint file",
        "Writes FILE, a zip (0600): the store as H2's BACKUP TO writes it (consistent while the gateway runs), the keys "
                + "directory and the checkpoint file, named by their paths relative to the gateway's working directory, so "
                + "that `unzip FILE` there restores them (stop the gateway first). On PostgreSQL use pg_dump (exit 2)."})
public final class BackupCommand implements StoreCommand, StoreCommand.Parsed {
    /** A large store takes minutes to copy: the CLI waits this long for a running gateway's answer. */
    static final Duration PATIENCE = Duration.ofHours(1);

    @Option(names = "--to", required = true, paramLabel = "FILE", description = "the zip to write; must not exist")
    private Path to;

    @Option(names = "--without-keys", description = "leave the keys directory out (for keys kept apart, e.g. in a secrets "
            + "manager: without the chain key the restored log cannot be verified)")
    private boolean withoutKeys;

    @Override
    public int run(Context ctx, List<String> args, PrintStream out, PrintStream err) throws Exception {
        return StoreCommandLine.run(new BackupCommand(), ctx, args, out, err);
    }

    @Override
    public void validate() {
        if (Files.exists(to)) {
            throw new IllegalArgumentException("--to " + to + " exists: a backup never overwrites a file");
        }
        Path parent = to.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("--to " + to + ": no such directory " + parent);
        }
    }

    /** {@code --to} as an absolute path: FILE is the caller's, not one in the running gateway's working directory. */
    @Override
    public List<String> argsForRunningGateway(List<String> args) {
        BackupCommand parsed = new BackupCommand();
        new CommandLine(parsed).parseArgs(args.toArray(String[]::new)); // parsed once already: no usage error here
        List<String> resolved = new ArrayList<>(List.of("--to=" + parsed.to.toAbsolutePath().normalize()));
        if (parsed.withoutKeys) {
            resolved.add("--without-keys");
        }
        return resolved;
    }

    @Override
    public Duration patience() {
        return PATIENCE;
    }

    @Override
    public int execute(Context ctx, PrintStream out, PrintStream err) throws Exception {
        GatewayConfig config = ctx.config();
        H2DataDirectory h2 = H2DataDirectory.of(config.get(StoreSettings.DB_URL)).orElse(null);
        if (ctx.dialect() != SqlDialect.H2 || h2 == null) {
            err.println("backup is for the embedded H2 store. On PostgreSQL back up with the database's tools: pg_dump --create "
                    + "(keeps the roles' search_path), and copy the keys directory and the checkpoint file beside it "
                    + "(README, \"Operating it\")");
            return USAGE;
        }
        Path target = to.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            err.println("--to " + target + " exists: a backup never overwrites a file");
            return USAGE;
        }
        Path workDir = Path.of("").toAbsolutePath();
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        Path storeCopy = target.resolveSibling("." + target.getFileName() + ".store.zip");
        List<String> notes = new ArrayList<>();
        try {
            try (Connection c = ctx.dataSource().getConnection(); Statement st = c.createStatement()) {
                // BACKUP TO takes a literal, not a parameter: the path is the operator's own (the CLI's argument, made
                // absolute), quoted here as an SQL string.
                st.execute("BACKUP TO '" + storeCopy.toString().replace("'", "''") + "'");
            }
            Files.deleteIfExists(partial);
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            int files;
            List<String> contents = new ArrayList<>(List.of("the store")); // what the zip holds, for the summary line
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(partial))) {
                files = copyStore(storeCopy, entryName(workDir, h2.databaseFile()), zip);
                if (withoutKeys) {
                    notes.add("the keys directory was left out (--without-keys): keep it with this backup");
                } else {
                    int keys = addKeys(config, workDir, zip, notes);
                    files += keys;
                    if (keys > 0) {
                        contents.add("keys");
                    }
                }
                if (addCheckpoints(Path.of(config.get(AuditSettings.CHECKPOINT_FILE)), workDir, zip, notes) > 0) {
                    files++;
                    contents.add("the checkpoint file");
                }
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            out.printf(Locale.ROOT, "Backed up %s to %s (%d files, %d KB). Restore: stop the gateway, then in its working "
                            + "directory unzip %s, start it, run verify.%n", listed(contents),
                    target, files, Files.size(target) / 1024, target.getFileName());
            notes.forEach(note -> out.println("Note: " + note));
            return OK;
        } finally {
            Files.deleteIfExists(storeCopy);
            Files.deleteIfExists(partial);
        }
    }

    /** {@code the store, keys and the checkpoint file}: the parts named one by one, the last after "and". */
    private static String listed(List<String> parts) {
        return parts.size() == 1 ? parts.get(0)
                : String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
    }

    /** The one file of H2's backup zip (the {@code .mv.db}), under the store's own path. */
    private static int copyStore(Path storeCopy, String name, ZipOutputStream zip) throws IOException {
        try (ZipFile h2Zip = new ZipFile(storeCopy.toFile())) {
            ZipEntry db = h2Zip.stream().filter(e -> e.getName().endsWith(".mv.db")).findFirst()
                    .orElseThrow(() -> new IOException("H2's backup holds no .mv.db file"));
            try (InputStream in = h2Zip.getInputStream(db)) {
                add(zip, name, in);
            }
        }
        return 1;
    }

    private static int addKeys(GatewayConfig config, Path workDir, ZipOutputStream zip, List<String> notes) throws IOException {
        List<Path> files = new ArrayList<>();
        Path keysDir = Path.of(config.get(AuditSettings.KEYS_DIR)).toAbsolutePath().normalize();
        if (Files.isDirectory(keysDir)) {
            try (Stream<Path> listed = Files.list(keysDir)) {
                listed.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        String ownKeyFile = config.get(AuditSettings.CHECKPOINT_KEY_FILE);
        if (!ownKeyFile.isBlank()) {
            for (Path key : List.of(Path.of(ownKeyFile), Path.of(ownKeyFile + ".pub"))) {
                Path absolute = key.toAbsolutePath().normalize();
                if (Files.isRegularFile(absolute) && !files.contains(absolute)) {
                    files.add(absolute);
                }
            }
        }
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                add(zip, entryName(workDir, file), in);
            }
        }
        if (!config.get(AuditSettings.CHAIN_KEY).isBlank()) {
            notes.add("the chain key comes from " + AuditSettings.CHAIN_KEY.env() + ", not from a file: keep it with this backup");
        }
        return files.size();
    }

    /** The checkpoint file up to its last complete line (the gateway may be appending one right now). */
    private static int addCheckpoints(Path file, Path workDir, ZipOutputStream zip, List<String> notes) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute)) {
            notes.add("there is no checkpoint file at " + absolute + " yet");
            return 0;
        }
        byte[] bytes = Files.readAllBytes(absolute);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        zip.putNextEntry(new ZipEntry(entryName(workDir, absolute)));
        zip.write(bytes, 0, end);
        zip.closeEntry();
        return 1;
    }

    private static void add(ZipOutputStream zip, String name, InputStream in) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        in.transferTo(zip);
        zip.closeEntry();
    }

    /** {@code file} relative to the working directory, or its absolute path without the root when it lies outside. */
    static String entryName(Path workDir, Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path name = absolute.startsWith(workDir) ? workDir.relativize(absolute) : absolute.getRoot().relativize(absolute);
        return name.toString().replace('\\', '/');
    }
}
