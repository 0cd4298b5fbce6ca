package dev.fluxion.examples.support;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A training progress bar that shows the latest loss. Set {@code -Dfluxion.progress=false} to
 * silence it (the tests do).
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** Starts a bar of {@code steps} steps named {@code task}. */
    public static Progress start(String task, long steps) {
        if (!Boolean.parseBoolean(System.getProperty("fluxion.progress", "true"))) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(steps)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(100)
                .continuousUpdate()
                .build());
    }

    /** Advances one step and shows {@code loss}. */
    public void step(double loss) {
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", loss));
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
