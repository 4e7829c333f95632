/**
 * The timeouts on a request's path, from the outside in: the load balancer, then oauth2-proxy, then
 * the app. An inner one stays below the outer one, so a request that takes too long ends where its
 * cause is logged.
 */

/**
 * Seconds the load balancer keeps a connection open with no byte flowing either way, the outermost
 * timeout on a request's path (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout).
 * The longest request Pluto expects is a large document uploaded to Open WebUI and processed
 * (extracted, chunked, embedded) before the response starts, or a model that answers without
 * streaming: Open WebUI waits up to its AIOHTTP_CLIENT_TIMEOUT (300 s by default) for a model.
 * Streamed answers send bytes all along and are bounded by nothing here.
 */
export const IDLE_TIMEOUT_SECONDS = 300;

/**
 * How long oauth2-proxy waits for the app's response headers (`--upstream-timeout`, 30 s by default:
 * DefaultUpstreamTimeout in oauth2-proxy v7.15.3 pkg/apis/options/upstreams.go, the transport's
 * ResponseHeaderTimeout in pkg/upstream/http.go), after which it answers 502. At 30 s every request
 * above turned into an error. Just under the load balancer's idle timeout, so a request that waits
 * too long ends at oauth2-proxy, whose log says why, rather than as the load balancer's bare 504.
 */
export const UPSTREAM_TIMEOUT_SECONDS = IDLE_TIMEOUT_SECONDS - 5;
