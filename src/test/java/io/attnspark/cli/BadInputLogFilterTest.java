package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.attnspark.data.BadInputException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

class BadInputLogFilterTest {

    private static LogEvent event(String message, Throwable thrown) {
        return Log4jLogEvent.newBuilder().setLoggerName("org.apache.spark.executor.Executor").setLevel(Level.ERROR)
                .setMessage(new SimpleMessage(message)).setThrown(thrown).build();
    }

    @Test
    void dropsOnlyEventsRepeatingABadInputError() {
        BadInputLogFilter filter = new BadInputLogFilter();
        BadInputException bad = new BadInputException("x.jpg is not a PNG or JPEG image");
        assertEquals(Filter.Result.DENY, filter.filter(event("Exception in task 1.0", bad)));
        assertEquals(Filter.Result.DENY, filter.filter(event("Aborting job", new RuntimeException("job aborted", bad))));
        assertEquals(Filter.Result.DENY, filter.filter(event(
                "Lost task 1.0 in stage 2.0: io.attnspark.data.BadInputException: x.jpg is not ...", null)));
        assertEquals(Filter.Result.NEUTRAL, filter.filter(event("Exception in task 1.0", new IllegalStateException())));
        assertEquals(Filter.Result.NEUTRAL, filter.filter(event("Task 1 in stage 2.0 failed 1 times", null)));
    }
}
