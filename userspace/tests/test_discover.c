// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NTP server discovery: every origin from fixtures written into a temp
 * dir (dhclient and networkd leases, a config drive tree, a mount table and
 * a by-label link), the metadata service as a small HTTP server on
 * 127.0.0.1 (random port), the order of the origins, and each malformed
 * input with its exact message and the fall-through to the next input.
 * Only loopback traffic: every run's metadata URL is checked to be ours.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "config.h"
#include "discover/discover_int.h"
#include "tap.h"

#define MAX_NOTES 64
#define MIB (1024 * 1024)

static char root[] = "/tmp/phc-steer-test-discover-XXXXXX";

/* ---- notes ---- */

static char notes[MAX_NOTES][DISCOVER_NOTE_MAX];
static int n_notes;

static void capture(void *arg, const char *msg)
{
	(void)arg;
	if (n_notes < MAX_NOTES)
		snprintf(notes[n_notes++], sizeof(notes[0]), "%s", msg);
}

/* The notes since the last call are exactly these (NULL-terminated). */
static void expect_notes(const char *what, ...)
{
	const char *want[MAX_NOTES];
	int n = 0, i;
	va_list ap;

	va_start(ap, what);
	while (n < MAX_NOTES && (want[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	if (!ok(n_notes == n, "%s: %d note(s)", what, n)) {
		for (i = 0; i < n_notes; i++)
			diag("  note: %s", notes[i]);
	}
	for (i = 0; i < n && i < n_notes; i++)
		is_str(notes[i], want[i], "%s: note %d", what, i + 1);
	n_notes = 0;
}

/* ---- files ---- */

static const char *P(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *P(const char *fmt, ...)
{
	static char bufs[8][4096];
	static int k;
	char rel[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	k = (k + 1) % 8;
	snprintf(bufs[k], sizeof(bufs[k]), "%s/%s", root, rel);
	return bufs[k];
}

static void mkdirs(const char *path)
{
	char tmp[4096], *s;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (s = tmp + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(tmp, 0755);
			*s = '/';
		}
	}
	mkdir(tmp, 0755);
}

static void put_bytes(const char *rel, const void *data, size_t len)
{
	char dir[4096];
	const char *path = P("%s", rel);
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, len, f) != len) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
	fclose(f);
}

static void put(const char *rel, const char *text)
{
	put_bytes(rel, text, strlen(text));
}

/* A file of n bytes of spaces after an opening text. */
static void put_big(const char *rel, const char *head, size_t n)
{
	char *b = malloc(n);

	memset(b, ' ', n);
	memcpy(b, head, strlen(head));
	put_bytes(rel, b, n);
	free(b);
}

static void rm_rf(const char *path)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd))
		diag("could not remove %s", path);
}

/* ---- the HTTP server ---- */

static int http_fd = -1;
static int http_port;
static pthread_t http_thread;
static int http_stop;
static int http_requests;
static char http_last[256];
static pthread_mutex_t http_lock = PTHREAD_MUTEX_INITIALIZER;

#define VD_PTPU "{\"ptp_unified\": {\"ntp_servers\": [\"ntp1.example.org\", " \
	"\"192.0.2.10:1123\"]}}"
#define VD_CLOUD "{\"cloud-init\": \"#cloud-config\\nntp:\\n  servers: " \
	"[ntp2.example.org]\\n  pools: [pool.example.org]\\n\"}"

static void send_all(int fd, const char *buf, size_t len)
{
	ssize_t r;

	while (len) {
		r = send(fd, buf, len, MSG_NOSIGNAL);
		if (r <= 0)
			return;
		buf += r;
		len -= (size_t)r;
	}
}

static void reply(int fd, int status, const char *reason, const char *extra,
		  const char *body)
{
	char head[512];

	snprintf(head, sizeof(head),
		 "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n%s\r\n",
		 status, reason, strlen(body), extra);
	send_all(fd, head, strlen(head));
	send_all(fd, body, strlen(body));
}

/* Routes by the first path segment; the file name decides within some. */
static void serve(int fd, const char *path)
{
	bool v2 = strstr(path, "/vendor_data2.json") != NULL;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char big[64 * 1024], buf[64];

	if (!strncmp(path, "/ok/", 4)) {
		reply(fd, 200, "OK", "", VD_PTPU);
	} else if (!strncmp(path, "/cc/", 4)) {
		reply(fd, 200, "OK", "", VD_CLOUD);
	} else if (!strncmp(path, "/sib/", 5)) {
		if (v2)
			reply(fd, 404, "Not Found", "", "");
		else
			reply(fd, 200, "OK", "", VD_PTPU);
	} else if (!strncmp(path, "/garbage/", 9)) {
		reply(fd, 200, "OK", "", "<html>not json</html>");
	} else if (!strncmp(path, "/empty/", 7)) {
		reply(fd, 200, "OK", "", "");
	} else if (!strncmp(path, "/wrongtype/", 11)) {
		reply(fd, 200, "OK", "", "{\"ptp_unified\": {\"ntp_servers\": [1]}}");
	} else if (!strncmp(path, "/redirect/", 10)) {
		reply(fd, 302, "Found", "Location: /ok/openstack/latest/vendor_data2.json\r\n",
		      "");
	} else if (!strncmp(path, "/slow/", 6)) {
		/* Say nothing until the client gives up (or 5 s). */
		if (poll(&pfd, 1, 5000) == 1)
			(void)!read(fd, buf, sizeof(buf));
	} else if (!strncmp(path, "/huge/", 6)) {
		/* Announced: 2 MiB. */
		snprintf(buf, sizeof(buf), "%d", 2 * MIB);
		send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: ", 33);
		send_all(fd, buf, strlen(buf));
		send_all(fd, "\r\nConnection: close\r\n\r\n{", 24);
		memset(big, ' ', sizeof(big));
		for (int i = 0; i < 2 * MIB / (int)sizeof(big); i++)
			send_all(fd, big, sizeof(big));
	} else if (!strncmp(path, "/hugestream/", 12)) {
		/* Not announced: 2 MiB until the connection closes. */
		send_all(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{", 39);
		memset(big, ' ', sizeof(big));
		for (int i = 0; i < 2 * MIB / (int)sizeof(big); i++)
			send_all(fd, big, sizeof(big));
	} else {
		reply(fd, 404, "Not Found", "", "");
	}
}

static void *http_main(void *arg)
{
	char req[8192], path[256];
	size_t len;
	ssize_t r;
	int fd;

	(void)arg;
	for (;;) {
		fd = accept(http_fd, NULL, NULL);
		if (__atomic_load_n(&http_stop, __ATOMIC_SEQ_CST)) {
			if (fd >= 0)
				close(fd);
			return NULL;
		}
		if (fd < 0)
			continue;
		len = 0;
		while (len < sizeof(req) - 1) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			if (poll(&pfd, 1, 2000) != 1)
				break;
			r = read(fd, req + len, sizeof(req) - 1 - len);
			if (r <= 0)
				break;
			len += (size_t)r;
			req[len] = '\0';
			if (strstr(req, "\r\n\r\n"))
				break;
		}
		req[len] = '\0';
		if (sscanf(req, "GET %255s HTTP/1.", path) == 1) {
			pthread_mutex_lock(&http_lock);
			http_requests++;
			snprintf(http_last, sizeof(http_last), "%s", path);
			pthread_mutex_unlock(&http_lock);
			serve(fd, path);
		}
		close(fd);
	}
}

static void http_start(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	http_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (http_fd < 0 || bind(http_fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(http_fd, 16) ||
	    getsockname(http_fd, (struct sockaddr *)&a, &alen) ||
	    pthread_create(&http_thread, NULL, http_main, NULL)) {
		printf("Bail out! cannot start the HTTP server: %s\n", strerror(errno));
		exit(1);
	}
	http_port = ntohs(a.sin_port);
	diag("HTTP server on 127.0.0.1:%d", http_port);
}

static void http_end(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	__atomic_store_n(&http_stop, 1, __ATOMIC_SEQ_CST);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)http_port);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
		pthread_join(http_thread, NULL);
	close(fd);
	close(http_fd);
}

static int requests_since(int *mark)
{
	int n;

	pthread_mutex_lock(&http_lock);
	n = http_requests - *mark;
	*mark = http_requests;
	pthread_mutex_unlock(&http_lock);
	return n;
}

static const char *url(const char *route, const char *file)
{
	static char bufs[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(bufs[k], sizeof(bufs[k]), "http://127.0.0.1:%d/%s/openstack/latest/%s",
		 http_port, route, file);
	return bufs[k];
}

/* ---- running discovery ---- */

/* Options that read nothing of the machine's: each test adds its own. */
static struct discover_opts opts(void)
{
	static char label_dir[4096], mounts[4096];

	snprintf(label_dir, sizeof(label_dir), "%s", P("by-label"));
	snprintf(mounts, sizeof(mounts), "%s", P("mounts"));
	return (struct discover_opts){
		.label_dir = label_dir,
		.mounts = mounts,
		.connect_timeout_ms = 500,
		.timeout_ms = 500,
		.note = capture,
	};
}

static unsigned int run(const struct discover_opts *o, struct discover_result *r)
{
	char ours[64];

	/* Loopback only, whatever a test says. */
	snprintf(ours, sizeof(ours), "http://127.0.0.1:%d/", http_port);
	if (o->metadata_url && strncmp(o->metadata_url, ours, strlen(ours))) {
		printf("Bail out! metadata URL %s is not the test server\n",
		       o->metadata_url);
		exit(1);
	}
	return discover_run(o, r);
}

static void expect_server(const struct discover_list *l, unsigned int i,
			  const char *host, const char *port, const char *source,
			  const char *field)
{
	if (!ok(i < l->n, "server %u exists (%s)", i, host))
		return;
	ok(!strcmp(l->s[i].cfg.host, host) && !strcmp(l->s[i].cfg.port, port) &&
		   !strcmp(l->s[i].source, source) && !strcmp(l->s[i].field, field) &&
		   l->s[i].cfg.iburst,
	   "server %u is %s port %s from %s (%s)", i, host, port, source, field);
	if (strcmp(l->s[i].cfg.host, host) || strcmp(l->s[i].cfg.port, port) ||
	    strcmp(l->s[i].source, source) || strcmp(l->s[i].field, field))
		diag("  got %s port %s from %s (%s)", l->s[i].cfg.host,
		     l->s[i].cfg.port, l->s[i].source, l->s[i].field);
}

/* ---- server strings ---- */

static void one_server(const char *spec, bool v4, const char *host,
		       const char *port)
{
	struct ntp_server_cfg c;
	char why[256] = "";
	int r = discover_server_parse(spec, strlen(spec), v4, &c, why, sizeof(why));

	ok(r == 0 && !strcmp(c.host, host) && !strcmp(c.port, port) && c.iburst,
	   "server '%s' is %s port %s", spec, host, port);
	if (r)
		diag("  %s", why);
	else if (strcmp(c.host, host) || strcmp(c.port, port))
		diag("  got %s port %s", c.host, c.port);
}

static void bad_server(const char *spec, size_t len, bool v4, const char *msg)
{
	struct ntp_server_cfg c;
	char why[256] = "";

	is_int(discover_server_parse(spec, len, v4, &c, why, sizeof(why)), -1,
	       "refused: %s", msg);
	is_str(why, msg, "message: %s", msg);
}

#define BAD(spec, msg) bad_server(spec, strlen(spec), false, msg)
#define BAD4(spec, msg) bad_server(spec, strlen(spec), true, msg)

static void test_servers(void)
{
	char long_label[80], long_name[300], q[128];
	int i;

	one_server("ntp1.Example.ORG", false, "ntp1.example.org", "123");
	one_server("192.0.2.1:1123", false, "192.0.2.1", "1123");
	one_server("[2001:DB8:0::1]:124", false, "2001:db8::1", "124");
	one_server("[2001:db8::1]", false, "2001:db8::1", "123");
	one_server("2001:db8::2", false, "2001:db8::2", "123");
	one_server("::ffff:192.0.2.1", false, "::ffff:192.0.2.1", "123");
	one_server("host.example.", false, "host.example.", "123");
	one_server("localhost:00123", false, "localhost", "123");
	one_server("1.2.3.com", false, "1.2.3.com", "123");
	one_server("10.0.2.2", true, "10.0.2.2", "123");

	BAD("", "'' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	BAD("a b", "'a b' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	BAD("1.2.3.400", "'1.2.3.400' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	BAD("1.2.3", "'1.2.3' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	BAD("-bad.example", "'-bad.example' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	BAD("bad-.example", "'bad-.example' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	BAD("a..b", "'a..b' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	BAD("ex_ample.org", "'ex_ample.org' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	BAD("[foo]:123", "'[foo]:123' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	BAD("[::1]x", "'[::1]x' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	BAD("[::1", "'[::1' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	BAD("fe80::1%eth0", "'fe80::1%eth0' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	BAD("2001:db8::g", "'2001:db8::g' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	BAD("host:0", "'host:0': the port is not a number from 1 to 65535");
	BAD("host:65536", "'host:65536': the port is not a number from 1 to 65535");
	BAD("host:+5", "'host:+5': the port is not a number from 1 to 65535");
	BAD("host:", "'host:': the port is not a number from 1 to 65535");
	BAD("[::1]:", "'[::1]:': the port is not a number from 1 to 65535");
	bad_server("a\0b", 3, false, "'a?b' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	BAD("a\nb", "'a?b' is not HOST, HOST:PORT or [ADDRESS]:PORT");

	memset(long_label, 'a', 64);
	strcpy(long_label + 64, ".example");
	snprintf(q, sizeof(q), "'%.64s...' is not HOST, HOST:PORT or [ADDRESS]:PORT",
		 long_label);
	BAD(long_label, q);
	memmove(long_label + 63, long_label + 64, strlen(long_label + 64) + 1);
	one_server(long_label, false, long_label, "123");
	for (i = 0; i < 254; i += 2)
		memcpy(long_name + i, "a.", 2);
	long_name[253] = '\0';	/* 253 characters, the most a name may have */
	one_server(long_name, false, long_name, "123");
	strcpy(long_name + 253, "b");
	bad_server(long_name, 254, false,
		   "'a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a....' is not HOST, HOST:PORT or [ADDRESS]:PORT");

	BAD4("10.0.0.256", "'10.0.0.256' is not an IPv4 address");
	BAD4("host", "'host' is not an IPv4 address");
	BAD4("10.0.0.1:123", "'10.0.0.1:123' is not an IPv4 address");
	BAD4("::1", "'::1' is not an IPv4 address");
	BAD4("010.0.0.1", "'010.0.0.1' is not an IPv4 address");
	BAD4("", "'' is not an IPv4 address");
}

static void test_list(void)
{
	struct discover_list a, b;
	struct ntp_server_cfg c;
	char why[128], name[32];
	int i;

	discover_list_init(&a);
	discover_server_parse("192.0.2.1", 9, false, &c, why, sizeof(why));
	is_int(discover_list_add(&a, &c, "src", "f"), 1, "added");
	is_int(discover_list_add(&a, &c, "other", "g"), 0, "the same again: a duplicate");
	discover_server_parse("192.0.2.1:124", 13, false, &c, why, sizeof(why));
	is_int(discover_list_add(&a, &c, "src", "f"), 1, "another port: another server");
	discover_server_parse("[2001:db8:0::1]", 15, false, &c, why, sizeof(why));
	discover_list_add(&a, &c, "src", "f");
	discover_server_parse("2001:DB8::1", 11, false, &c, why, sizeof(why));
	is_int(discover_list_add(&a, &c, "src", "f"), 0,
	       "IPv6 written two ways: a duplicate");
	discover_server_parse("NTP.example.org", 15, false, &c, why, sizeof(why));
	discover_list_add(&a, &c, "src", "f");
	discover_server_parse("ntp.example.org:123", 19, false, &c, why, sizeof(why));
	is_int(discover_list_add(&a, &c, "src", "f"), 0,
	       "a name in other case with the default port: a duplicate");
	is_int(a.n, 4, "four servers");
	is_str(a.s[0].source, "src", "the first one's source is kept");

	discover_list_init(&b);
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "192.0.2.%d", 100 + i);
		discover_server_parse(name, strlen(name), false, &c, why, sizeof(why));
		discover_list_add(&b, &c, "b", "f");
	}
	ok(b.n == 8 && b.dropped == 2, "ten servers: eight kept, two dropped");
	discover_list_merge(&a, &b);
	ok(a.n == 8 && a.dropped == 6, "merged: eight kept, six dropped");
	is_str(a.s[4].cfg.host, "192.0.2.100", "merged in order after the first");
}

/* ---- DHCP ---- */

#define DHCLIENT_GOOD \
	"default-duid \"\\000\\001\\000\\001+\\034\\\"x\";\n" \
	"lease {\n" \
	"  interface \"eth0\";\n" \
	"  fixed-address 10.0.2.15;\n" \
	"  option ntp-servers 10.0.2.9;\n" \
	"  renew 4 2025/01/02 03:04:05;\n" \
	"}\n" \
	"# renewed\n" \
	"lease {\n" \
	"  interface \"eth0\";\n" \
	"  option domain-name \"example.org { } ; ,\";\n" \
	"  option ntp-servers 10.0.2.7;\n" \
	"  option ntp-servers 10.0.2.2,10.0.2.3, 10.0.2.2;\n" \
	"  expire never;\n" \
	"}\n" \
	"lease6 {\n" \
	"  interface \"eth0\";\n" \
	"  ia-na 1a:2b:3c:4d {\n" \
	"    iaaddr 2001:db8::5 { max-life 3600; }\n" \
	"    option ntp-servers 10.9.9.9;\n" \
	"  }\n" \
	"}\n"

static int dhclient(const char *text, size_t len, struct discover_list *l)
{
	struct discover_opts o = opts();
	struct discover_input in = { "dhcp lease", "/x/dhclient.leases" };

	discover_list_init(l);
	return discover_parse_dhclient(&o, &in, text, len, l);
}

static void dhclient_bad(const char *text, const char *msg)
{
	struct discover_list l;
	char want[512];

	snprintf(want, sizeof(want), "discover: dhcp lease /x/dhclient.leases: %s", msg);
	is_int(dhclient(text, strlen(text), &l), -1, "dhclient refused: %s", msg);
	is_int(l.n, 0, "and nothing taken");
	expect_notes(msg, want, NULL);
}

static void test_dhclient(void)
{
	struct discover_list l;

	is_int(dhclient(DHCLIENT_GOOD, strlen(DHCLIENT_GOOD), &l), 0, "dhclient: parsed");
	is_int(l.n, 2, "the last lease's last ntp-servers, deduplicated");
	expect_server(&l, 0, "10.0.2.2", "123", "/x/dhclient.leases", "ntp-servers");
	expect_server(&l, 1, "10.0.2.3", "123", "/x/dhclient.leases", "ntp-servers");
	expect_notes("a good dhclient file", NULL);

	is_int(dhclient("lease {\n option ntp-servers 10.0.2.2;\n}\n"
			"lease {\n option routers 10.0.2.1;\n}\n",
			strlen("lease {\n option ntp-servers 10.0.2.2;\n}\n"
			       "lease {\n option routers 10.0.2.1;\n}\n"), &l), 0,
	       "the last lease has no ntp-servers");
	is_int(l.n, 0, "so none (the earlier lease's are stale)");
	is_int(dhclient("", 0, &l), 0, "an empty file");
	is_int(l.n, 0, "has none");
	is_int(dhclient("option ntp-servers 10.0.2.2;\n", 29, &l), 0,
	       "ntp-servers outside a lease");
	is_int(l.n, 0, "does not count");
	expect_notes("no servers is no problem", NULL);

	dhclient_bad("lease {\n  interface \"eth0;\n}\n", "line 2: unterminated string");
	dhclient_bad("lease {\n\x01}\n", "line 2: unexpected byte 0x01");
	dhclient_bad("lease {\n}\n}\n", "line 3: unexpected '}'");
	dhclient_bad("lease {\n option ntp-servers 10.0.2.2;\n", "line 3: end of file inside a block");
	dhclient_bad("lease {\n}\nfoo bar", "line 3: end of file inside a statement");
	dhclient_bad("lease {\n option ntp-servers 10.0.2.2\n}\n",
		     "line 3: missing ';' before '}'");
	dhclient_bad("lease {\n option ntp-servers 10.0.0.300;\n}\n",
		     "line 2: option ntp-servers: '10.0.0.300' is not an IPv4 address");
	dhclient_bad("lease {\n option ntp-servers ntp.example.org;\n}\n",
		     "line 2: option ntp-servers: 'ntp.example.org' is not an IPv4 address");
	dhclient_bad("lease {\n option ntp-servers ;\n}\n",
		     "line 2: option ntp-servers: no address");
	dhclient_bad("lease {\n option ntp-servers 10.0.2.2 10.0.2.3;\n}\n",
		     "line 2: option ntp-servers: malformed list");
	dhclient_bad("lease {\n option ntp-servers 10.0.2.2,;\n}\n",
		     "line 2: option ntp-servers: malformed list");
	dhclient_bad("lease {\n option ntp-servers \"10.0.2.2\";\n}\n",
		     "line 2: option ntp-servers: malformed list");
	dhclient_bad("lease {\n option ntp-servers 10.0.2.2 {\n}\n",
		     "line 2: option ntp-servers: malformed list");
	dhclient_bad("a{b{c{d{e{f{g{h{i{", "line 1: blocks nested too deep");
	dhclient_bad("lease {\n option ntp-servers 10.0.2.2;\n}\n\xff\xfe garbage",
		     "line 4: unexpected byte 0xff");
	{
		struct discover_list l2;

		is_int(dhclient("lease {\n}\n\0garbage", 18, &l2), -1,
		       "a NUL byte is refused");
		expect_notes("NUL", "discover: dhcp lease /x/dhclient.leases: line 3: unexpected byte 0x00",
			     NULL);
	}
}

static int networkd(const char *text, size_t len, struct discover_list *l)
{
	struct discover_opts o = opts();
	struct discover_input in = { "dhcp lease", "/run/leases/2" };

	discover_list_init(l);
	return discover_parse_networkd(&o, &in, text, len, l);
}

static void networkd_bad(const char *text, size_t len, const char *msg)
{
	struct discover_list l;
	char want[512];

	snprintf(want, sizeof(want), "discover: dhcp lease /run/leases/2: %s", msg);
	is_int(networkd(text, len, &l), -1, "networkd refused: %s", msg);
	is_int(l.n, 0, "and nothing taken");
	expect_notes(msg, want, NULL);
}

#define NETWORKD_GOOD \
	"# This is private data. Do not parse.\n" \
	"ADDRESS=10.0.2.15\n" \
	"NETMASK=255.255.255.0\n" \
	"NTP=10.0.2.8\n" \
	"NTP=10.0.2.4  10.0.2.5 10.0.2.4\r\n" \
	"\n" \
	"DOMAINNAME=example.org\n" \
	"NTPX=1\n"

static void test_networkd(void)
{
	struct discover_list l;

	is_int(networkd(NETWORKD_GOOD, strlen(NETWORKD_GOOD), &l), 0, "networkd: parsed");
	is_int(l.n, 2, "the last NTP= line, deduplicated");
	expect_server(&l, 0, "10.0.2.4", "123", "/run/leases/2", "NTP");
	expect_server(&l, 1, "10.0.2.5", "123", "/run/leases/2", "NTP");
	is_int(networkd("ADDRESS=10.0.2.15\n", 18, &l), 0, "no NTP=");
	is_int(l.n, 0, "no servers");
	expect_notes("good networkd files", NULL);

	networkd_bad("ADDRESS=10.0.2.15\nthis is not a lease\n", 38,
		     "line 2: not a KEY=VALUE line");
	networkd_bad("=10\n", 4, "line 1: not a KEY=VALUE line");
	networkd_bad("ADDRESS=1\0\n", 11, "line 1: unexpected byte 0x00");
	networkd_bad("NTP=10.0.2.4 ntp.example.org\n", 29,
		     "line 1: NTP: 'ntp.example.org' is not an IPv4 address");
	networkd_bad("NTP=\n", 5, "line 1: NTP: no address");
}

static void test_dhcp_origin(void)
{
	struct discover_opts o = opts();
	struct discover_result r;
	char dirs[1024], want1[512], want2[512], want3[512];

	put("dhcp/dhclient.eth0.leases", DHCLIENT_GOOD);
	put("dhcp/dhclient--eth1.lease", "lease {\n option ntp-servers 10.0.2.300;\n}\n");
	put("dhcp/dhclient.eth2.leases", "lease {\n option routers 10.0.2.1;\n}\n");
	put("dhcp/notalease.txt", "lease {\n option ntp-servers 10.7.7.7;\n}\n");
	put_big("dhcp/dhclient.big.leases", "lease {", MIB + 1);
	mkdirs(P("dhcp/dhclient.dir.leases"));
	put("netif/2", NETWORKD_GOOD);
	put("netif/3", "garbage\n");
	put("netif/x", "NTP=10.7.7.8\n");
	snprintf(dirs, sizeof(dirs), "%s:%s:%s", P("nonexistent"), P("dhcp"), P("netif"));
	o.lease_dirs = dirs;

	is_int(run(&o, &r), 4, "dhcp: four servers");
	is_int(r.origin, DISCOVER_DHCP, "from dhcp");
	expect_server(&r.list, 0, "10.0.2.2", "123", P("dhcp/dhclient.eth0.leases"),
		      "ntp-servers");
	expect_server(&r.list, 1, "10.0.2.3", "123", P("dhcp/dhclient.eth0.leases"),
		      "ntp-servers");
	expect_server(&r.list, 2, "10.0.2.4", "123", P("netif/2"), "NTP");
	expect_server(&r.list, 3, "10.0.2.5", "123", P("netif/2"), "NTP");
	snprintf(want1, sizeof(want1),
		 "discover: dhcp lease %s: line 2: option ntp-servers: '10.0.2.300' is not an IPv4 address",
		 P("dhcp/dhclient--eth1.lease"));
	snprintf(want2, sizeof(want2), "discover: dhcp lease %s: larger than 1 MiB",
		 P("dhcp/dhclient.big.leases"));
	snprintf(want3, sizeof(want3), "discover: dhcp lease %s: line 1: not a KEY=VALUE line",
		 P("netif/3"));
	expect_notes("dhcp: each bad file told, the others taken", want1, want2, want3,
		     NULL);

	/* Ten servers over two files: eight kept, told once. */
	rm_rf(P("dhcp"));
	rm_rf(P("netif"));
	put("dhcp/dhclient.eth0.leases",
	    "lease {\n option ntp-servers 10.1.0.1,10.1.0.2,10.1.0.3,10.1.0.4,10.1.0.5;\n}\n");
	put("dhcp/dhclient.eth1.leases",
	    "lease {\n option ntp-servers 10.1.0.6,10.1.0.7,10.1.0.8,10.1.0.9,10.1.0.10;\n}\n");
	snprintf(dirs, sizeof(dirs), "%s", P("dhcp"));
	is_int(run(&o, &r), 8, "ten servers: eight kept");
	is_str(r.list.s[7].cfg.host, "10.1.0.8", "the first eight, in order");
	expect_notes("dhcp: dropped servers told",
		     "discover: dhcp: 2 more servers ignored (at most 8 are kept)", NULL);
	rm_rf(P("dhcp"));
}

/* ---- vendor data and cloud-config ---- */

static int vendor(const char *text, struct discover_list *l)
{
	struct discover_opts o = opts();
	struct discover_input in = { "config drive", "/cd/vendor_data.json" };

	discover_list_init(l);
	return discover_parse_vendor(&o, &in, text, strlen(text), l);
}

#define VPFX "discover: config drive /cd/vendor_data.json: "

static void vendor_bad(const char *text, const char *msg)
{
	struct discover_list l;
	char want[512];

	snprintf(want, sizeof(want), VPFX "%s", msg);
	vendor(text, &l);
	is_int(l.n, 0, "vendor data refused: %s", msg);
	expect_notes(msg, want, NULL);
}

static void test_vendor(void)
{
	struct discover_list l;
	char deep[128], many[1024];
	int i;

	is_int(vendor(VD_PTPU, &l), 0, "vendor data with ptp_unified");
	is_int(l.n, 2, "two servers");
	expect_server(&l, 0, "ntp1.example.org", "123", "/cd/vendor_data.json",
		      "ptp_unified.ntp_servers");
	expect_server(&l, 1, "192.0.2.10", "1123", "/cd/vendor_data.json",
		      "ptp_unified.ntp_servers");
	vendor("{\"cloud-init\": \"#cloud-config\\nntp: {servers: [a.example]}\", "
	       "\"ptp_unified\": {\"ntp_servers\": [\"[2001:db8::7]:4123\"]}}", &l);
	ok(l.n == 1 && !strcmp(l.s[0].cfg.host, "2001:db8::7") &&
		   !strcmp(l.s[0].cfg.port, "4123"),
	   "ptp_unified comes before cloud-init");
	is_int(vendor(VD_CLOUD, &l), 0, "vendor data with cloud-init");
	is_int(l.n, 2, "servers, then pools");
	expect_server(&l, 0, "ntp2.example.org", "123", "/cd/vendor_data.json",
		      "cloud-init:ntp.servers");
	expect_server(&l, 1, "pool.example.org", "123", "/cd/vendor_data.json",
		      "cloud-init:ntp.pools");
	vendor("{\"cloud-init\": [\"#!/bin/sh\\necho hi\", "
	       "\"#cloud-config\\nntp: {servers: [b.example]}\"]}", &l);
	ok(l.n == 1 && !strcmp(l.s[0].cfg.host, "b.example"),
	   "cloud-init as a list of parts: the cloud-config part");
	is_int(vendor("{\"cloud-init\": \"#!/bin/sh\\necho hi\"}", &l), 0,
	       "a script is not cloud-config");
	is_int(l.n, 0, "and gives nothing");
	vendor("{\"cloud-init\": null, \"other\": {\"ntp_servers\": [\"x.example\"]}}", &l);
	is_int(l.n, 0, "no key of ours: nothing");
	is_int(vendor("{} \n", &l), 0, "{} with trailing blanks");
	expect_notes("good vendor data", NULL);

	strcpy(many, "{\"ptp_unified\": {\"ntp_servers\": [");
	for (i = 0; i < 10; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
			 "%s\"ntp%d.example.org\"", i ? ", " : "", i);
	strcat(many, "]}}");
	vendor(many, &l);
	ok(l.n == 8 && l.dropped == 2, "ten servers: eight kept, two counted dropped");
	expect_notes("dropping is told by the origin, not the parser", NULL);

	vendor_bad("<html>not json</html>", "not JSON: unexpected character at offset 0");
	vendor_bad("{\"ptp_unified\": {\"ntp_servers\": [\"a\"",
		   "not JSON: unexpected end of data at offset 36");
	vendor_bad("{} trailing", "not JSON: unexpected character at offset 3");
	vendor_bad("{\"a\": 1,}", "not JSON: unexpected character at offset 8");
	vendor_bad("  \n ", "empty");
	vendor_bad("", "empty");
	vendor_bad("[1, 2]", "not a JSON object");
	vendor_bad("\"#cloud-config\"", "not a JSON object");
	memset(deep, '[', 40);
	memset(deep + 40, ']', 40);
	deep[80] = '\0';
	vendor_bad(deep, "not JSON: nesting too deep at offset 32");
	vendor_bad("{\"ptp_unified\": \"ntp.example.org\"}", "ptp_unified is not an object");
	vendor_bad("{\"ptp_unified\": {}}", "ptp_unified has no ntp_servers");
	vendor_bad("{\"ptp_unified\": {\"ntp_servers\": \"a.example\"}}",
		   "ptp_unified.ntp_servers is not a list");
	vendor_bad("{\"ptp_unified\": {\"ntp_servers\": []}}",
		   "ptp_unified.ntp_servers is empty");
	vendor_bad("{\"ptp_unified\": {\"ntp_servers\": [\"a.example\", 7]}}",
		   "ptp_unified.ntp_servers[1] is not a string");
	vendor_bad("{\"ptp_unified\": {\"ntp_servers\": [\"a.example\", \"b example\"]}}",
		   "ptp_unified.ntp_servers[1]: 'b example' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	vendor_bad("{\"ptp_unified\": {\"ntp_servers\": [\"a.example:99999\"]}}",
		   "ptp_unified.ntp_servers[0]: 'a.example:99999': the port is not a number from 1 to 65535");
	vendor_bad("{\"ptp_unified\": {\"ntp_servers\": [\"a\\u0000b\"]}}",
		   "ptp_unified.ntp_servers[0]: 'a?b' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	vendor_bad("{\"cloud-init\": 42}", "cloud-init is not a string or a list");
	vendor_bad("{\"a\": \"\xff\"}", "not JSON: invalid utf-8 string at offset 7");

	/* A malformed ptp_unified falls through to cloud-init. */
	vendor("{\"ptp_unified\": {\"ntp_servers\": [\"\"]}, "
	       "\"cloud-init\": \"#cloud-config\\nntp: {servers: [c.example]}\"}", &l);
	ok(l.n == 1 && !strcmp(l.s[0].cfg.host, "c.example"),
	   "a bad ptp_unified falls through to cloud-init");
	expect_notes("and is told",
		     VPFX "ptp_unified.ntp_servers[0]: '' is not HOST, HOST:PORT or [ADDRESS]:PORT",
		     NULL);
	vendor("{\"cloud-init\": [7, \"#cloud-config\\nntp: {servers: [d.example]}\"]}", &l);
	ok(l.n == 1 && !strcmp(l.s[0].cfg.host, "d.example"),
	   "a bad part of a cloud-init list falls through to the next");
	expect_notes("and is told", VPFX "cloud-init[0] is not a string", NULL);
}

static int cloudcfg(const char *text, struct discover_list *l)
{
	struct discover_opts o = opts();
	struct discover_input in = { "metadata", "http://md/vd2" };

	discover_list_init(l);
	return discover_parse_cloud_config(&o, &in, text, strlen(text), l);
}

#define CPFX "discover: metadata http://md/vd2: cloud-init: "

static void cloudcfg_bad(const char *text, const char *msg)
{
	struct discover_list l;
	char want[512];

	snprintf(want, sizeof(want), CPFX "%s", msg);
	is_int(cloudcfg(text, &l), -1, "cloud-config refused: %s", msg);
	is_int(l.n, 0, "and nothing taken");
	expect_notes(msg, want, NULL);
}

static void test_cloudcfg(void)
{
	struct discover_list l;

	is_int(cloudcfg("#cloud-config\n"
			"# comment\n"
			"packages: [chrony]\n"
			"ntp:\n"
			"  enabled: true\n"
			"  ntp_client: chrony\n"
			"  pools:\n"
			"    - 0.pool.example.org\n"
			"  servers:\n"
			"    - 'ntp1.example.org'\n"
			"    - \"[2001:db8::1]:1123\"\n"
			"    - 192.0.2.1\n"
			"    - ntp1.example.org\n", &l), 0, "block-style cloud-config");
	is_int(l.n, 4, "three servers and a pool");
	expect_server(&l, 0, "ntp1.example.org", "123", "http://md/vd2",
		      "cloud-init:ntp.servers");
	expect_server(&l, 1, "2001:db8::1", "1123", "http://md/vd2",
		      "cloud-init:ntp.servers");
	expect_server(&l, 2, "192.0.2.1", "123", "http://md/vd2", "cloud-init:ntp.servers");
	expect_server(&l, 3, "0.pool.example.org", "123", "http://md/vd2",
		      "cloud-init:ntp.pools");
	cloudcfg("#cloud-config\nntp: {enabled: yes, servers: [a.example, b.example]}\n", &l);
	is_int(l.n, 2, "flow style");
	cloudcfg("#cloud-config\nmine: &m [e.example]\nntp:\n  servers: *m\n", &l);
	ok(l.n == 1 && !strcmp(l.s[0].cfg.host, "e.example"), "an alias");
	cloudcfg("#cloud-config\nntp: {servers: [f.example]}\n---\nntp: {servers: [g.example]}\n",
		 &l);
	ok(l.n == 1 && !strcmp(l.s[0].cfg.host, "f.example"),
	   "the first YAML document only");
	cloudcfg("#cloud-config\nntp: {servers: [x.example]}\nntp: {servers: [h.example]}\n",
		 &l);
	ok(l.n == 1 && !strcmp(l.s[0].cfg.host, "h.example"), "a repeated key: the last");
	is_int(cloudcfg("#cloud-config\npackages: [chrony]\n", &l), 0, "no ntp key");
	is_int(l.n, 0, "nothing");
	is_int(cloudcfg("#cloud-config\nntp:\n", &l), 0, "ntp: null");
	is_int(l.n, 0, "nothing");
	is_int(cloudcfg("#cloud-config\n", &l), 0, "an empty cloud-config");
	is_int(cloudcfg("#!/bin/sh\nntp: {servers: [a.example]}\n", &l), 0,
	       "not cloud-config");
	is_int(l.n, 0, "is not read");
	expect_notes("good cloud-config", NULL);

	cloudcfg_bad("#cloud-config\nntp: {enabled: false, servers: [a.example]}\n",
		     "ntp.enabled is false");
	cloudcfg_bad("#cloud-config\nntp: {enabled: maybe, servers: [a.example]}\n",
		     "ntp.enabled is not true or false");
	cloudcfg_bad("#cloud-config\nntp: [a.example]\n", "ntp is not a mapping");
	cloudcfg_bad("#cloud-config\nntp: {servers: a.example}\n", "ntp.servers is not a list");
	cloudcfg_bad("#cloud-config\nntp: {servers: [a.example], pools: {a: b}}\n",
		     "ntp.pools is not a list");
	cloudcfg_bad("#cloud-config\nntp: {servers: [{host: a.example}]}\n",
		     "ntp.servers[0] is not a string");
	cloudcfg_bad("#cloud-config\nntp:\n  servers:\n    - a.example\n    - bad host\n",
		     "ntp.servers[1]: 'bad host' is not HOST, HOST:PORT or [ADDRESS]:PORT");
	cloudcfg_bad("#cloud-config\nntp: {servers: [], pools: []}\n",
		     "ntp has no servers or pools");
	cloudcfg_bad("#cloud-config\nntp: {enabled: true}\n", "ntp has no servers or pools");
	cloudcfg_bad("#cloud-config\n- ntp\n", "not a YAML mapping");
	cloudcfg_bad("#cloud-config\nntp:\n  servers: [a.example\n",
		     "YAML error at line 4 column 1: did not find expected ',' or ']'");
	cloudcfg_bad("#cloud-config\nntp:\n\tservers: [a]\n",
		     "YAML error at line 3 column 1: found character that cannot start any token");
	cloudcfg_bad("#cloud-config\nntp: {servers: [*nope]}\n",
		     "YAML error at line 2 column 17: found undefined alias");
}

/* ---- config drive ---- */

static void test_config_drive(void)
{
	struct discover_opts o = opts();
	struct discover_result r;
	char drive[512], want1[512], want2[512], table[1024];

	snprintf(drive, sizeof(drive), "%s", P("cd1"));
	o.config_drive = drive;

	is_int(run(&o, &r), 0, "config drive: an empty mount point");
	expect_notes("nothing there", "discover: no NTP server found (config drive): running without NTP",
		     NULL);

	put("cd1/openstack/latest/vendor_data2.json",
	    "{\"ptp_unified\": {\"ntp_servers\": [\"ntp3.example.org\"]}}");
	put("cd1/openstack/latest/vendor_data.json", VD_PTPU);
	is_int(run(&o, &r), 1, "vendor_data2.json first");
	is_int(r.origin, DISCOVER_CONFIG_DRIVE, "origin config-drive");
	expect_server(&r.list, 0, "ntp3.example.org", "123",
		      P("cd1/openstack/latest/vendor_data2.json"), "ptp_unified.ntp_servers");
	expect_notes("no problem", NULL);

	put("cd1/openstack/latest/vendor_data2.json", "{\"ptp_unified\": ");
	put("cd1/openstack/latest/vendor_data.json", VD_CLOUD);
	is_int(run(&o, &r), 2, "a broken vendor_data2.json: vendor_data.json");
	expect_server(&r.list, 0, "ntp2.example.org", "123",
		      P("cd1/openstack/latest/vendor_data.json"), "cloud-init:ntp.servers");
	snprintf(want1, sizeof(want1),
		 "discover: config drive %s: not JSON: unexpected end of data at offset 16",
		 P("cd1/openstack/latest/vendor_data2.json"));
	expect_notes("broken JSON told", want1, NULL);

	put_big("cd1/openstack/latest/vendor_data2.json", "{", MIB + 1);
	is_int(run(&o, &r), 2, "a huge vendor_data2.json: vendor_data.json");
	snprintf(want1, sizeof(want1), "discover: config drive %s: larger than 1 MiB",
		 P("cd1/openstack/latest/vendor_data2.json"));
	expect_notes("huge file told", want1, NULL);

	unlink(P("cd1/openstack/latest/vendor_data2.json"));
	mkdirs(P("cd1/openstack/latest/vendor_data2.json"));
	put("cd1/openstack/latest/vendor_data.json",
	    "{\"ptp_unified\": {\"ntp_servers\": [\"ntp 4\"]}}");
	is_int(run(&o, &r), 0, "a directory and a bogus server: nothing");
	is_int(r.origin, DISCOVER_NONE, "origin none");
	snprintf(want1, sizeof(want1), "discover: config drive %s: not a regular file",
		 P("cd1/openstack/latest/vendor_data2.json"));
	snprintf(want2, sizeof(want2),
		 "discover: config drive %s: ptp_unified.ntp_servers[0]: 'ntp 4' is not HOST, HOST:PORT or [ADDRESS]:PORT",
		 P("cd1/openstack/latest/vendor_data.json"));
	expect_notes("both told, then nothing found", want1, want2,
		     "discover: no NTP server found (config drive): running without NTP", NULL);
	rm_rf(P("cd1"));

	/* Found by label, where the mount table says it is mounted. */
	put("dev-sr0", "");
	mkdirs(P("by-label"));
	if (symlink(P("dev-sr0"), P("by-label/config-2")))
		diag("symlink: %s", strerror(errno));
	put("mounts", "");
	is_int(run(&o, &r), 0, "a config-2 device that is not mounted");
	snprintf(want1, sizeof(want1),
		 "discover: config drive %s (%s) is not mounted: phc-steer does not mount it",
		 P("by-label/config-2"), P("dev-sr0"));
	expect_notes("not mounted: told, not mounted by us", want1,
		     "discover: no NTP server found (config drive): running without NTP", NULL);

	snprintf(table, sizeof(table),
		 "proc /proc proc rw 0 0\n%s %s\\040drive iso9660 ro 0 0\n", P("dev-sr0"),
		 P("mnt/config"));
	put("mounts", table);
	put("mnt/config drive/openstack/latest/vendor_data.json", VD_PTPU);
	is_int(run(&o, &r), 2, "the labelled drive where it is mounted");
	expect_server(&r.list, 0, "ntp1.example.org", "123",
		      P("mnt/config drive/openstack/latest/vendor_data.json"),
		      "ptp_unified.ntp_servers");
	expect_notes("found by label", NULL);

	snprintf(table, sizeof(table), "%s %s iso9660 ro 0 0\n", P("by-label/config-2"),
		 P("mnt/config\\040drive"));
	put("mounts", table);
	is_int(run(&o, &r), 2, "a table that names the by-label link");
	expect_notes("found by the link's name", NULL);

	unlink(P("by-label/config-2"));
	if (symlink(P("dev-sr0"), P("by-label/CONFIG-2")))
		diag("symlink: %s", strerror(errno));
	snprintf(table, sizeof(table), "%s %s\\040drive vfat ro 0 0\n", P("dev-sr0"),
		 P("mnt/config"));
	put("mounts", table);
	is_int(run(&o, &r), 2, "CONFIG-2, as vfat drives are labelled");
	unlink(P("by-label/CONFIG-2"));
	rm_rf(P("mnt"));
	put("mounts", "");
	expect_notes("no problem", NULL);
}

static void test_mount_table(void)
{
	const char *t = "a b c\n/dev/sr0 /mnt/x\\134y\\011z iso9660 ro 0 0\n"
			"/dev/sr1\n \n/dev/sr2 /m\\0 x\n";
	char out[64];

	is_int(discover_mount_point(t, strlen(t), "/dev/sr0", out, sizeof(out)), 0,
	       "mount table: found");
	is_str(out, "/mnt/x\\y\tz", "octal escapes decoded");
	is_int(discover_mount_point(t, strlen(t), "/dev/sr1", out, sizeof(out)), -1,
	       "a line without a mount point");
	is_int(discover_mount_point(t, strlen(t), "/dev/sr2", out, sizeof(out)), 0,
	       "a broken escape");
	is_str(out, "/m\\0", "is kept as it is");
	is_int(discover_mount_point(t, strlen(t), "/dev/sr9", out, sizeof(out)), -1,
	       "an absent device");
}

/* ---- metadata service ---- */

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run discovery from the metadata service at route/vendor_data2.json. */
static unsigned int md(const char *route, struct discover_result *r, int *nreq)
{
	struct discover_opts o = opts();
	static int mark;
	unsigned int n;

	requests_since(&mark);
	o.metadata_url = url(route, "vendor_data2.json");
	n = run(&o, r);
	*nreq = requests_since(&mark);
	return n;
}

static void test_metadata(void)
{
	char w1[512], w2[512], refused[64];
	struct discover_opts o = opts();
	struct discover_result r;
	int nreq, fd;
	double t0;

	is_int(md("ok", &r, &nreq), 2, "metadata: vendor_data2.json");
	is_int(r.origin, DISCOVER_METADATA, "origin metadata");
	expect_server(&r.list, 0, "ntp1.example.org", "123", url("ok", "vendor_data2.json"),
		      "ptp_unified.ntp_servers");
	expect_server(&r.list, 1, "192.0.2.10", "1123", url("ok", "vendor_data2.json"),
		      "ptp_unified.ntp_servers");
	is_int(nreq, 1, "one request");
	expect_notes("no problem", NULL);

	is_int(md("cc", &r, &nreq), 2, "cloud-config in vendor_data2.json");
	expect_server(&r.list, 0, "ntp2.example.org", "123", url("cc", "vendor_data2.json"),
		      "cloud-init:ntp.servers");
	expect_notes("no problem", NULL);

	is_int(md("sib", &r, &nreq), 2, "404, then vendor_data.json");
	expect_server(&r.list, 0, "ntp1.example.org", "123", url("sib", "vendor_data.json"),
		      "ptp_unified.ntp_servers");
	is_int(nreq, 2, "two requests");
	snprintf(w1, sizeof(w1), "discover: metadata %s: HTTP status 404",
		 url("sib", "vendor_data2.json"));
	expect_notes("the 404 told", w1, NULL);

	is_int(md("nothing", &r, &nreq), 0, "404 twice");
	snprintf(w1, sizeof(w1), "discover: metadata %s: HTTP status 404",
		 url("nothing", "vendor_data2.json"));
	snprintf(w2, sizeof(w2), "discover: metadata %s: HTTP status 404",
		 url("nothing", "vendor_data.json"));
	expect_notes("both told, then nothing found", w1, w2,
		     "discover: no NTP server found (metadata service): running without NTP",
		     NULL);

	is_int(md("garbage", &r, &nreq), 0, "a body that is not JSON");
	snprintf(w1, sizeof(w1),
		 "discover: metadata %s: not JSON: unexpected character at offset 0",
		 url("garbage", "vendor_data2.json"));
	snprintf(w2, sizeof(w2),
		 "discover: metadata %s: not JSON: unexpected character at offset 0",
		 url("garbage", "vendor_data.json"));
	expect_notes("told for each", w1, w2,
		     "discover: no NTP server found (metadata service): running without NTP",
		     NULL);

	md("empty", &r, &nreq);
	snprintf(w1, sizeof(w1), "discover: metadata %s: empty", url("empty", "vendor_data2.json"));
	snprintf(w2, sizeof(w2), "discover: metadata %s: empty", url("empty", "vendor_data.json"));
	expect_notes("an empty body", w1, w2,
		     "discover: no NTP server found (metadata service): running without NTP",
		     NULL);

	md("wrongtype", &r, &nreq);
	snprintf(w1, sizeof(w1), "discover: metadata %s: ptp_unified.ntp_servers[0] is not a string",
		 url("wrongtype", "vendor_data2.json"));
	snprintf(w2, sizeof(w2), "discover: metadata %s: ptp_unified.ntp_servers[0] is not a string",
		 url("wrongtype", "vendor_data.json"));
	expect_notes("a wrong type", w1, w2,
		     "discover: no NTP server found (metadata service): running without NTP",
		     NULL);

	md("redirect", &r, &nreq);
	snprintf(w1, sizeof(w1), "discover: metadata %s: HTTP status 302",
		 url("redirect", "vendor_data2.json"));
	snprintf(w2, sizeof(w2), "discover: metadata %s: HTTP status 302",
		 url("redirect", "vendor_data.json"));
	is_int(nreq, 2, "a redirect is not followed");
	expect_notes("a redirect", w1, w2,
		     "discover: no NTP server found (metadata service): running without NTP",
		     NULL);

	md("huge", &r, &nreq);
	snprintf(w1, sizeof(w1), "discover: metadata %s: reply larger than 1 MiB",
		 url("huge", "vendor_data2.json"));
	snprintf(w2, sizeof(w2), "discover: metadata %s: reply larger than 1 MiB",
		 url("huge", "vendor_data.json"));
	expect_notes("a huge body, announced", w1, w2,
		     "discover: no NTP server found (metadata service): running without NTP",
		     NULL);

	md("hugestream", &r, &nreq);
	snprintf(w1, sizeof(w1), "discover: metadata %s: reply larger than 1 MiB",
		 url("hugestream", "vendor_data2.json"));
	snprintf(w2, sizeof(w2), "discover: metadata %s: reply larger than 1 MiB",
		 url("hugestream", "vendor_data.json"));
	expect_notes("a huge body, not announced", w1, w2,
		     "discover: no NTP server found (metadata service): running without NTP",
		     NULL);

	t0 = mono_s();
	is_int(md("slow", &r, &nreq), 0, "a reply slower than the timeout");
	t0 = mono_s() - t0;
	ok(t0 >= 0.4 && t0 < 2.0, "given up after the timeout (%.2f s)", t0);
	is_int(nreq, 1, "and the sibling is not asked (no wait twice)");
	snprintf(w1, sizeof(w1), "discover: metadata %s: no complete reply within 0.5 s",
		 url("slow", "vendor_data2.json"));
	expect_notes("the timeout told", w1,
		     "discover: no NTP server found (metadata service): running without NTP",
		     NULL);

	/* A port nobody listens on: refused at once. */
	{
		struct sockaddr_in a = { .sin_family = AF_INET };
		socklen_t alen = sizeof(a);

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		bind(fd, (struct sockaddr *)&a, sizeof(a));
		getsockname(fd, (struct sockaddr *)&a, &alen);
		snprintf(refused, sizeof(refused),
			 "http://127.0.0.1:%d/openstack/latest/vendor_data2.json",
			 ntohs(a.sin_port));
		close(fd);
	}
	o.metadata_url = refused;
	/* run() accepts only the test server's port: call discover_run()
	 * itself for this loopback URL. */
	is_int(discover_run(&o, &r), 0, "connection refused");
	snprintf(w1, sizeof(w1), "discover: metadata %s: HTTP request failed: Couldn't connect to server",
		 refused);
	expect_notes("refused told, the sibling not asked", w1,
		     "discover: no NTP server found (metadata service): running without NTP",
		     NULL);

	{
		static int mark;
		char custom[128];

		snprintf(custom, sizeof(custom), "http://127.0.0.1:%d/nothing/custom.json",
			 http_port);
		o.metadata_url = custom;
		requests_since(&mark);
		run(&o, &r);
		is_int(requests_since(&mark), 1, "a URL not ending in vendor_data2.json: one request");
		snprintf(w1, sizeof(w1), "discover: metadata %s: HTTP status 404", custom);
		expect_notes("told", w1,
			     "discover: no NTP server found (metadata service): running without NTP",
			     NULL);
	}
}

/* ---- the order of the origins ---- */

static void test_order(void)
{
	struct discover_opts o = opts();
	struct discover_result r;
	char dirs[512], drive[512], want[512], want2[512];
	static int mark;

	put("ord/dhcp/dhclient.eth0.leases", "lease {\n option ntp-servers 10.0.2.2;\n}\n");
	put("ord/cd/openstack/latest/vendor_data2.json",
	    "{\"ptp_unified\": {\"ntp_servers\": [\"drive.example\"]}}");
	snprintf(dirs, sizeof(dirs), "%s", P("ord/dhcp"));
	snprintf(drive, sizeof(drive), "%s", P("ord/cd"));
	o.lease_dirs = dirs;
	o.config_drive = drive;
	o.metadata_url = url("ok", "vendor_data2.json");

	requests_since(&mark);
	run(&o, &r);
	ok(r.origin == DISCOVER_DHCP && r.list.n == 1 &&
		   !strcmp(r.list.s[0].cfg.host, "10.0.2.2"),
	   "order: dhcp first");
	is_int(requests_since(&mark), 0, "the metadata service is not asked");
	expect_notes("dhcp wins quietly", NULL);

	put("ord/dhcp/dhclient.eth0.leases", "lease {\n option ntp-servers 10.0.2.300;\n}\n");
	run(&o, &r);
	ok(r.origin == DISCOVER_CONFIG_DRIVE && r.list.n == 1 &&
		   !strcmp(r.list.s[0].cfg.host, "drive.example"),
	   "a malformed lease falls through to the config drive");
	is_int(requests_since(&mark), 0, "the metadata service is not asked");
	snprintf(want, sizeof(want),
		 "discover: dhcp lease %s: line 2: option ntp-servers: '10.0.2.300' is not an IPv4 address",
		 P("ord/dhcp/dhclient.eth0.leases"));
	expect_notes("the bad lease told", want, NULL);

	unlink(P("ord/dhcp/dhclient.eth0.leases"));
	o.config_drive = NULL;
	run(&o, &r);
	ok(r.origin == DISCOVER_METADATA && r.list.n == 2, "then the metadata service");
	is_int(requests_since(&mark), 1, "asked once");
	expect_notes("no problem", NULL);

	o.config_drive = drive;
	put("ord/cd/openstack/latest/vendor_data2.json", "{}");
	o.metadata_url = url("nothing", "vendor_data2.json");
	is_int(run(&o, &r), 0, "nothing anywhere");
	snprintf(want, sizeof(want), "discover: metadata %s: HTTP status 404",
		 url("nothing", "vendor_data2.json"));
	snprintf(want2, sizeof(want2), "discover: metadata %s: HTTP status 404",
		 url("nothing", "vendor_data.json"));
	expect_notes("nothing found: told once", want, want2,
		     "discover: no NTP server found (dhcp leases, config drive, metadata service): running without NTP",
		     NULL);
	o.metadata_url = NULL;
	is_int(run(&o, &r), 0, "nothing anywhere, metadata off");
	expect_notes("nothing found: told once, naming what was tried",
		     "discover: no NTP server found (dhcp leases, config drive): running without NTP",
		     NULL);
	o.lease_dirs = "";
	o.config_drive = NULL;
	is_int(run(&o, &r), 0, "every origin off");
	expect_notes("told", "discover: every origin is off: running without NTP", NULL);
	rm_rf(P("ord"));
}

/* ---- output and config ---- */

static void test_print(void)
{
	struct json_object *j, *s, *v;
	struct discover_result r = { 0 };
	const char *notes_in[] = { "discover: a note" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	r.origin = DISCOVER_DHCP;
	discover_server_parse("10.0.2.2", 8, true, &r.list.s[0].cfg, NULL, 0);
	strcpy(r.list.s[0].source, "/var/lib/dhcp/dhclient.eth0.leases");
	strcpy(r.list.s[0].field, "ntp-servers");
	discover_server_parse("[2001:db8::1]:1123", 18, false, &r.list.s[1].cfg, NULL, 0);
	strcpy(r.list.s[1].source, "http://x/vd2");
	strcpy(r.list.s[1].field, "ptp_unified.ntp_servers");
	r.list.n = 2;

	f = open_memstream(&buf, &len);
	discover_print(f, &r, false, NULL, 0);
	fclose(f);
	is_str(buf, "origin dhcp\n"
		    "server 10.0.2.2:123 source /var/lib/dhcp/dhclient.eth0.leases field ntp-servers\n"
		    "server [2001:db8::1]:1123 source http://x/vd2 field ptp_unified.ntp_servers\n",
	       "discover text output");
	free(buf);

	f = open_memstream(&buf, &len);
	discover_print(f, &r, true, notes_in, 1);
	fclose(f);
	j = json_tokener_parse(buf);
	ok(j && json_object_is_type(j, json_type_object), "discover --json is an object");
	ok(json_object_object_get_ex(j, "origin", &v) &&
		   !strcmp(json_object_get_string(v), "dhcp"), "origin");
	ok(json_object_object_get_ex(j, "servers", &v) &&
		   json_object_array_length(v) == 2, "two servers");
	s = json_object_array_get_idx(v, 1);
	ok(json_object_object_get_ex(s, "server", &v) &&
		   !strcmp(json_object_get_string(v), "[2001:db8::1]:1123"), "server");
	ok(json_object_object_get_ex(s, "host", &v) &&
		   !strcmp(json_object_get_string(v), "2001:db8::1"), "host");
	ok(json_object_object_get_ex(s, "port", &v) && json_object_is_type(v, json_type_int) &&
		   json_object_get_int(v) == 1123, "port, a number");
	ok(json_object_object_get_ex(s, "source", &v) &&
		   !strcmp(json_object_get_string(v), "http://x/vd2"), "source");
	ok(json_object_object_get_ex(s, "field", &v) &&
		   !strcmp(json_object_get_string(v), "ptp_unified.ntp_servers"), "field");
	ok(json_object_object_get_ex(j, "notes", &v) && json_object_array_length(v) == 1 &&
		   !strcmp(json_object_get_string(json_object_array_get_idx(v, 0)),
			   "discover: a note"), "notes");
	json_object_put(j);
	free(buf);

	memset(&r, 0, sizeof(r));
	f = open_memstream(&buf, &len);
	discover_print(f, &r, true, NULL, 0);
	fclose(f);
	is_str(buf, "{\"origin\":\"none\",\"servers\":[],\"notes\":[]}\n", "nothing, as JSON");
	free(buf);
}

static void test_opts_from_config(void)
{
	struct discover_opts o;
	struct config cfg;

	config_defaults(&cfg);
	discover_opts_from_config(&o, &cfg);
	ok(o.lease_dirs && !strcmp(o.lease_dirs, DISCOVER_DEFAULT_LEASE_DIRS) &&
		   o.config_drive && !strcmp(o.config_drive, "/mnt/config") &&
		   o.metadata_url && !strcmp(o.metadata_url, DISCOVER_DEFAULT_METADATA_URL) &&
		   !strcmp(o.label_dir, "/dev/disk/by-label") &&
		   !strcmp(o.mounts, "/proc/self/mounts") && o.connect_timeout_ms == 2000 &&
		   o.timeout_ms == 5000 && !o.note,
	   "options from the default config (not run: they name real places)");
	config_set(&cfg, "config_drive", "none", NULL, NULL, 0);
	config_set(&cfg, "metadata_url", "none", NULL, NULL, 0);
	config_set(&cfg, "dhcp_lease_dirs", "none", NULL, NULL, 0);
	discover_opts_from_config(&o, &cfg);
	ok(!o.config_drive && !o.metadata_url && !o.lease_dirs[0], "none turns each off");
}

int main(void)
{
	if (!mkdtemp(root)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	http_start();
	test_servers();
	test_list();
	test_dhclient();
	test_networkd();
	test_dhcp_origin();
	test_vendor();
	test_cloudcfg();
	test_config_drive();
	test_mount_table();
	test_metadata();
	test_order();
	test_print();
	test_opts_from_config();
	http_end();
	rm_rf(root);
	return tap_done();
}
