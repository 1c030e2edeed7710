package io.attnspark.cli;

import io.attnspark.data.BadInputException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.filter.AbstractFilter;

/**
 * Drops the log events in which Spark repeats, with stack traces, a task's {@link BadInputException}
 * (the executor's "Exception in task", the task set's "Lost task", the writer's "Aborting job"): the
 * command reports that error itself, in one line ({@link UserErrorHandler}). Everything else is logged.
 */
final class BadInputLogFilter extends AbstractFilter {

    private static final String CLASS_NAME = BadInputException.class.getName();

    BadInputLogFilter() {
        super(Filter.Result.NEUTRAL, Filter.Result.NEUTRAL);
    }

    /**
     * Adds the filter to the root logger of this JVM's logging configuration (every logger passes
     * its events up to it), when logging goes through log4j's core, as it does under Spark;
     * otherwise does nothing.
     */
    static void install() {
        if (LogManager.getContext(false) instanceof LoggerContext context) {
            BadInputLogFilter filter = new BadInputLogFilter();
            filter.start();
            context.getConfiguration().getRootLogger().addFilter(filter);
            context.updateLoggers();
        }
    }

    /** {@inheritDoc} */
    @Override
    public Filter.Result filter(LogEvent event) {
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
            if (t instanceof BadInputException) {
                return Filter.Result.DENY;
            }
        }
        String message = event.getMessage() == null ? null : event.getMessage().getFormattedMessage();
        return message != null && message.contains(CLASS_NAME) ? Filter.Result.DENY : Filter.Result.NEUTRAL;
    }
}
