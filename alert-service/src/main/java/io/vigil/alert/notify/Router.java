package io.vigil.alert.notify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vigil.alert.domain.Matcher;
import io.vigil.alert.domain.Routing;
import io.vigil.alert.domain.Routing.Route;

/**
 * Walks the route tree as Alertmanager does: the root matches everything; children are tried in order, a matching
 * child is descended into, and unless it says {@code continue} the siblings after it are skipped; a route none of
 * whose children match is where the alert goes. Unset settings are inherited from the parent.
 */
public final class Router {

    /** Where one alert goes: receiver and the effective grouping settings of the matched route. */
    public record Match(String path, String receiver, List<String> groupBy, long groupWaitMs, long groupIntervalMs,
            long repeatIntervalMs, String escalationPolicy) {
    }

    public static List<Match> match(Routing routing, Map<String, String> labels) {
        List<Match> out = new ArrayList<>();
        if (routing.route() == null) {
            return out;
        }
        Map<String, Route> named = new HashMap<>();
        collect(routing.route(), named);
        Match root = settings("route", routing.route(), null);
        walk(routing.route(), root, labels, named, out, 0);
        return out;
    }

    private static boolean walk(Route route, Match inherited, Map<String, String> labels, Map<String, Route> named,
            List<Match> out, int depth) {
        if (depth > 32) {
            return false; // validation rejects include loops; this guards stored documents
        }
        boolean childMatched = false;
        List<Route> children = route.routes() == null ? List.of() : route.routes();
        for (int i = 0; i < children.size(); i++) {
            Route child = children.get(i);
            Route effective = child.include() != null ? named.getOrDefault(child.include(), child) : child;
            if (!Matcher.allTexts(child.matchers(), labels)
                    || (effective != child && !Matcher.allTexts(effective.matchers(), labels))) {
                continue;
            }
            Match m = settings(inherited.path() + ".routes[" + i + "]", effective, inherited);
            m = override(m, child);
            if (!walk(effective, m, labels, named, out, depth + 1)) {
                out.add(m);
            }
            childMatched = true;
            if (child.cont() == null || !child.cont()) {
                break;
            }
        }
        if (depth == 0 && !childMatched) {
            out.add(inherited);
        }
        return childMatched;
    }

    private static Match settings(String path, Route r, Match parent) {
        return new Match(path,
                r.receiver() != null ? r.receiver() : parent == null ? null : parent.receiver(),
                r.groupBy() != null ? r.groupBy() : parent == null ? List.of("alertname") : parent.groupBy(),
                r.groupWaitMs() != null ? r.groupWaitMs() : parent == null ? Routing.DEFAULT_GROUP_WAIT : parent.groupWaitMs(),
                r.groupIntervalMs() != null ? r.groupIntervalMs()
                        : parent == null ? Routing.DEFAULT_GROUP_INTERVAL : parent.groupIntervalMs(),
                r.repeatIntervalMs() != null ? r.repeatIntervalMs()
                        : parent == null ? Routing.DEFAULT_REPEAT : parent.repeatIntervalMs(),
                r.escalationPolicy() != null ? r.escalationPolicy() : parent == null ? null : parent.escalationPolicy());
    }

    /** An including route's own settings win over the included route's. */
    private static Match override(Match m, Route child) {
        if (child.include() == null) {
            return m;
        }
        return new Match(m.path(), child.receiver() != null ? child.receiver() : m.receiver(),
                child.groupBy() != null ? child.groupBy() : m.groupBy(),
                child.groupWaitMs() != null ? child.groupWaitMs() : m.groupWaitMs(),
                child.groupIntervalMs() != null ? child.groupIntervalMs() : m.groupIntervalMs(),
                child.repeatIntervalMs() != null ? child.repeatIntervalMs() : m.repeatIntervalMs(),
                child.escalationPolicy() != null ? child.escalationPolicy() : m.escalationPolicy());
    }

    private static void collect(Route r, Map<String, Route> named) {
        if (r.name() != null) {
            named.put(r.name(), r);
        }
        for (Route c : r.routes() == null ? List.<Route>of() : r.routes()) {
            collect(c, named);
        }
    }

    private Router() {
    }
}
