package io.vigil.common.redact;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hides secrets in what an API shows to a role that may not see them: credentials in URLs
 * ({@code redis://:pw@host} → {@code redis://<secret>@host}), query values ({@code ?token=x} → {@code ?token=<secret>}),
 * header values and request bodies. The receivers of alert-service are redacted the same way.
 */
public final class Redact {

    /** What a hidden value is shown as. */
    public static final String HIDDEN = "<secret>";

    private static final Pattern USERINFO_IN_TEXT = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^\\s/?#@]+@");

    /** The URL without the user-info of its authority and with every query value hidden; null stays null. */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        String out = url;
        int scheme = out.indexOf("://");
        int authorityStart = scheme < 0 ? 0 : scheme + 3;
        int authorityEnd = indexOfAny(out, authorityStart, "/?#");
        int at = out.lastIndexOf('@', authorityEnd - 1);
        if (scheme >= 0 && at >= authorityStart) {
            out = out.substring(0, authorityStart) + HIDDEN + out.substring(at);
            authorityEnd = indexOfAny(out, authorityStart, "/?#");
        }
        int query = out.indexOf('?', authorityEnd);
        if (query < 0) {
            return out;
        }
        int fragment = out.indexOf('#', query);
        String q = fragment < 0 ? out.substring(query + 1) : out.substring(query + 1, fragment);
        StringBuilder hidden = new StringBuilder();
        for (String pair : q.split("&", -1)) {
            if (hidden.length() > 0) {
                hidden.append('&');
            }
            int eq = pair.indexOf('=');
            hidden.append(eq < 0 ? pair : pair.substring(0, eq + 1) + HIDDEN);
        }
        return out.substring(0, query + 1) + hidden + (fragment < 0 ? "" : out.substring(fragment));
    }

    /** Free text (an error message, say) with the credentials of any URL in it hidden. */
    public static String credentialsIn(String text) {
        return text == null ? null : USERINFO_IN_TEXT.matcher(text).replaceAll("$1" + HIDDEN + "@");
    }

    /** The header names with every value hidden (values of any header may be credentials: X-Api-Key, Cookie...). */
    public static Map<String, String> headerValues(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        headers.keySet().forEach(name -> out.put(name, HIDDEN));
        return out;
    }

    /** A request body: hidden when there is one. */
    public static String body(String body) {
        return body == null || body.isEmpty() ? body : HIDDEN;
    }

    private static int indexOfAny(String s, int from, String chars) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    private Redact() {
    }
}
