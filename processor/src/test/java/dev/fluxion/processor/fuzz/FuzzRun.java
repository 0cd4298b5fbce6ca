package dev.fluxion.processor.fuzz;

import dev.fluxion.processor.fuzz.Ast.Program;
import dev.fluxion.processor.fuzz.Failure.Category;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Generates, compiles, judges and shrinks: the fuzzer's main loop. Programs are compiled in
 * batches (compilation is the cost); a batch that does not compile is split in halves until the
 * program at fault is alone. A share of the batches is compiled with {@code -Afluxion.verify=on};
 * an error there on a program the oracle then accepts is a verifier false alarm.
 */
final class FuzzRun {
    /** What to run. */
    record Config(long seed, int first, int programs, int batchSize, Set<Feature> features, double tensorShare,
                  int verifyEvery, int shrinkLimit, Path findings) {
    }

    /** A distinct failure: the original and the shrunk program. */
    record Found(Failure failure, Program original, Program shrunk, Failure shrunkFailure, boolean spellings) {
        String report() {
            return failure.category() + " [" + failure.key() + "]\n" + Printer.programSource(shrunk, spellings)
                    + (shrunkFailure == null ? failure.detail() : shrunkFailure.detail()) + "\n";
        }
    }

    /** What a run found. */
    record Report(int programs, int batches, int compilations, long nanos, Map<Category, Integer> failures,
                  List<Found> found, Oracle.Stats stats, int verifiedPrograms, int verifierCaught,
                  long compileNanos, long oracleNanos) {
        boolean clean() {
            return failures.isEmpty();
        }

        String summary() {
            double seconds = nanos / 1e9;
            return String.format(java.util.Locale.ROOT,
                    "%d programs in %d batches (%d compilations), %.1f s (compiling %.1f s, judging %.1f s), "
                            + "%.1f programs/s; %d compiled with "
                            + "verify=on (%d wrong programs caught by the verifier); failures %s; %s",
                    programs, batches, compilations, seconds, compileNanos / 1e9, oracleNanos / 1e9,
                    programs / seconds, verifiedPrograms, verifierCaught,
                    failures, stats);
        }
    }

    private final Config config;
    private final Oracle.Stats stats = new Oracle.Stats();
    private final Map<Category, Integer> failures = new EnumMap<>(Category.class);
    private final Map<String, Integer> shrunkPerKey = new LinkedHashMap<>();
    private final Set<String> reported = new LinkedHashSet<>();
    private final List<Found> found = new ArrayList<>();
    private int compilations;
    private long compileNanos;
    private long oracleNanos;
    private int verifierCaught;
    private int verifiedPrograms;
    private int classes;

    private FuzzRun(Config config) {
        this.config = config;
    }

    static Report run(Config config) {
        return new FuzzRun(config).go();
    }

    /** Program {@code index} of the run with {@code seed}: scalar or tensor, reproducible alone. */
    static Program program(long seed, int index, Set<Feature> features, double tensorShare) {
        long programSeed = seed * 1_000_003L + index;
        boolean tensor = features.contains(Feature.TENSOR) && Seeds.random(programSeed ^ 0x7f4a7c15L).nextDouble() < tensorShare;
        String name = "m" + index;
        return tensor ? TensorGenerator.generate(features, programSeed, name)
                : ScalarGenerator.generate(features, programSeed, name);
    }

    private Report go() {
        long t0 = System.nanoTime();
        int batches = 0;
        int end = config.first() + config.programs();
        for (int from = config.first(); from < end; from += config.batchSize()) {
            List<Program> batch = new ArrayList<>();
            for (int i = from; i < Math.min(end, from + config.batchSize()); i++) {
                Program p = program(config.seed(), i, config.features(), config.tensorShare());
                String invalid = Validator.check(p);
                if (invalid != null) {
                    throw new AssertionError("generator made an invalid program (" + invalid + "):\n"
                            + Printer.programSource(p));
                }
                batch.add(p);
            }
            boolean verify = config.verifyEvery() > 0 && batches % config.verifyEvery() == 0;
            if (verify) {
                verifiedPrograms += batch.size();
            }
            List<Failure> results = evaluate(batch, verify ? "on" : "off");
            for (int i = 0; i < batch.size(); i++) {
                if (results.get(i) != null) {
                    record(batch.get(i), results.get(i));
                }
            }
            batches++;
            if (batches % 5 == 0) {
                System.out.printf("fuzz progress: %d programs, %.0f s, failures %s%n", from + batch.size() - config.first(),
                        (System.nanoTime() - t0) / 1e9, failures);
            }
        }
        return new Report(config.programs(), batches, compilations, System.nanoTime() - t0, failures, found, stats,
                verifiedPrograms, verifierCaught, compileNanos, oracleNanos);
    }

    /** Each program's failure (null where it passes), compiling the batch once if it compiles. */
    List<Failure> evaluate(List<Program> programs, String verify) {
        String name = "Fuzz" + (++classes);
        compilations++;
        long t0 = System.nanoTime();
        Harness.Result r = Harness.compile(name, programs, verify, true, spellings());
        long t1 = System.nanoTime();
        compileNanos += t1 - t0;
        List<Failure> out = new ArrayList<>();
        if (r.ok()) {
            for (Program p : programs) {
                out.add(Oracle.judge(p, r.loaded(), stats));
            }
            oracleNanos += System.nanoTime() - t1;
            unfusedAgree(name, programs, out, r.loaded());
            return out;
        }
        if (programs.size() == 1) {
            Failure f = r.failure();
            if (verify.equals("on") && f.category() == Category.VERIFIER_FALSE_ALARM) {
                Failure unverified = evaluate(programs, "off").get(0);
                if (unverified != null) {
                    verifierCaught++;
                    f = unverified;
                }
            }
            out.add(f);
            return out;
        }
        int half = programs.size() / 2;
        out.addAll(evaluate(programs.subList(0, half), verify));
        out.addAll(evaluate(programs.subList(half, programs.size()), verify));
        return out;
    }

    /**
     * The tensor programs the oracle passed, compiled again with fusion off: fused and unfused code
     * must agree bit for bit ({@link FusionAgreement}).
     */
    private void unfusedAgree(String name, List<Program> programs, List<Failure> out, Harness.Loaded fused) {
        List<Integer> tensor = new ArrayList<>();
        for (int i = 0; i < programs.size(); i++) {
            if (out.get(i) == null && FusionAgreement.usesTensors(programs.get(i))) {
                tensor.add(i);
            }
        }
        if (tensor.isEmpty()) {
            return;
        }
        compilations++;
        long t0 = System.nanoTime();
        Harness.Result r = Harness.compile(name, tensor.stream().map(programs::get).toList(), "off", false, spellings());
        compileNanos += System.nanoTime() - t0;
        for (int i : tensor) {
            Failure f = r.ok() ? FusionAgreement.judge(programs.get(i), fused, r.loaded())
                    : new Failure(Failure.Category.FUSION_MISMATCH, "unfused build failed", r.failure().toString());
            out.set(i, f);
        }
    }

    /** Whether programs print with {@link Feature#SPELLINGS}. */
    private boolean spellings() {
        return config.features().contains(Feature.SPELLINGS);
    }

    private void record(Program p, Failure f) {
        failures.merge(f.category(), 1, Integer::sum);
        String key = f.category() + "/" + f.key();
        int shrunkSoFar = shrunkPerKey.getOrDefault(key, 0);
        if (shrunkSoFar >= 3 || found.size() >= config.shrinkLimit()) {
            System.out.println("FUZZ FAILURE (not shrunk) " + f + "\n" + Printer.programSource(p, spellings()));
            return;
        }
        shrunkPerKey.put(key, shrunkSoFar + 1);
        Program small = p;
        Failure smallFailure = f;
        if (f.category() != Category.GENERATOR_BUG) {
            small = Shrinker.shrink(p, f, batch -> evaluate(batch, "off"));
            smallFailure = evaluate(List.of(small), "off").get(0);
        }
        String text = Printer.programSource(small, spellings());
        if (!reported.add(key + "\n" + text)) {
            return;
        }
        Found entry = new Found(f, p, small, smallFailure, spellings());
        found.add(entry);
        System.out.println("FUZZ FAILURE " + entry.report());
        if (config.findings() != null) {
            append(config.findings(), entry);
        }
    }

    private void append(Path file, Found entry) {
        String text = "\n### " + entry.failure().category() + " — " + entry.failure().key()
                + " (fuzzer seed " + config.seed() + ", program " + entry.original().main().name()
                + ", features " + (config.features().equals(Feature.all()) ? "all" : config.features()) + ")\n\n"
                + "```java\n" + Printer.programSource(entry.shrunk(), spellings()) + "```\n\n"
                + "```\n" + (entry.shrunkFailure() == null ? entry.failure().detail() : entry.shrunkFailure().detail())
                + "\n```\n";
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
