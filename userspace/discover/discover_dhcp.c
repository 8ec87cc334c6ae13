// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Origin 1: DHCPv4 option 42 (NTP servers) from lease files on disk.
 *
 * Each directory of lease_dirs (colon-separated) is listed in name order; a
 * file whose name is all digits is a systemd-networkd lease
 * (/run/systemd/netif/leases/IFINDEX), one whose name contains ".lease" an
 * ISC dhclient lease file (dhclient.eth0.leases, dhclient--eth0.lease,
 * NetworkManager's dhclient-UUID-eth0.lease); other names are skipped.
 * The servers of every file are merged, deduplicated, in that order.
 *
 * dhclient appends a block per lease it gets, so the LAST "lease { ... }"
 * block of a file is the one in force: its "option ntp-servers A,B;" counts,
 * the earlier blocks do not (and a last block without the option means no
 * servers, even if an earlier one had some). "lease6" blocks (DHCPv6) are
 * skipped. Lease expiry is not checked: at boot the system clock is the one
 * thing not to be trusted yet, and dhclient renews a lease it still holds.
 *
 * networkd writes KEY=VALUE lines; "NTP=A B" holds option 42.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "discover/discover_int.h"

#define MAX_DEPTH 8
#define FIELD_DHCLIENT "ntp-servers"
#define FIELD_NETWORKD "NTP"

enum tok_type {
	T_EOF,
	T_WORD,
	T_STRING,
	T_LBRACE,
	T_RBRACE,
	T_SEMI,
	T_COMMA,
	T_ERR,
};

struct lex {
	const char *p, *end;
	unsigned int line;
	char why[96];
};

struct tok {
	enum tok_type type;
	const char *s;
	size_t len;
	unsigned int line;
};

static bool word_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("{};,\"", c);
}

static enum tok_type lex_next(struct lex *lx, struct tok *t)
{
	unsigned char c;

	for (;;) {
		while (lx->p < lx->end && strchr(" \t\r\n", *lx->p) && *lx->p) {
			if (*lx->p == '\n')
				lx->line++;
			lx->p++;
		}
		if (lx->p == lx->end) {
			t->line = lx->line;
			return t->type = T_EOF;
		}
		if (*lx->p != '#')
			break;
		while (lx->p < lx->end && *lx->p != '\n')
			lx->p++;
	}
	t->line = lx->line;
	t->s = lx->p;
	t->len = 1;
	c = (unsigned char)*lx->p;
	switch (c) {
	case '{':
		lx->p++;
		return t->type = T_LBRACE;
	case '}':
		lx->p++;
		return t->type = T_RBRACE;
	case ';':
		lx->p++;
		return t->type = T_SEMI;
	case ',':
		lx->p++;
		return t->type = T_COMMA;
	case '"':
		for (lx->p++; lx->p < lx->end && *lx->p != '"'; lx->p++) {
			if (*lx->p == '\\' && lx->p + 1 < lx->end)
				lx->p++;
			if (*lx->p == '\n')
				lx->line++;
		}
		if (lx->p == lx->end) {
			snprintf(lx->why, sizeof(lx->why),
				 "line %u: unterminated string", t->line);
			return t->type = T_ERR;
		}
		t->s++;
		t->len = (size_t)(lx->p - t->s);
		lx->p++;
		return t->type = T_STRING;
	}
	if (!word_char(c)) {
		snprintf(lx->why, sizeof(lx->why), "line %u: unexpected byte 0x%02x",
			 t->line, c);
		return t->type = T_ERR;
	}
	while (lx->p < lx->end && word_char((unsigned char)*lx->p))
		lx->p++;
	t->len = (size_t)(lx->p - t->s);
	return t->type = T_WORD;
}

static bool tok_is(const struct tok *t, const char *word)
{
	return t->type == T_WORD && t->len == strlen(word) &&
	       !memcmp(t->s, word, t->len);
}

/* "option ntp-servers" of a lease block, token by token after its name. */
struct ntp_stmt {
	bool on;
	bool want_addr;
	unsigned int n;
	struct discover_list list;
};

static int ntp_stmt_tok(struct ntp_stmt *st, const struct tok *t,
			const struct discover_input *in, char *why,
			size_t whylen)
{
	struct ntp_server_cfg cfg;
	char inner[160];

	if (st->want_addr && t->type == T_WORD) {
		if (discover_server_parse(t->s, t->len, true, &cfg, inner,
					  sizeof(inner))) {
			snprintf(why, whylen, "line %u: option ntp-servers: %s",
				 t->line, inner);
			return -1;
		}
		discover_list_add(&st->list, &cfg, in->source, FIELD_DHCLIENT);
		st->n++;
		st->want_addr = false;
		return 0;
	}
	if (!st->want_addr && t->type == T_COMMA) {
		st->want_addr = true;
		return 0;
	}
	snprintf(why, whylen, "line %u: option ntp-servers: malformed list",
		 t->line);
	return -1;
}

int discover_parse_dhclient(const struct discover_opts *o,
			    const struct discover_input *in, const char *buf,
			    size_t len, struct discover_list *out)
{
	struct lex lx = { .p = buf, .end = buf + len, .line = 1 };
	struct discover_list *cur, *last;
	unsigned int depth = 0, stmt_n = 0;
	bool in_lease = false, have_last = false, first_is_option = false;
	bool first_is_lease = false;
	struct ntp_stmt *st;
	char why[256];
	struct tok t;
	int ret = -1;

	/* Three lists of 8 servers: too big for a small stack. */
	cur = malloc(sizeof(*cur));
	last = malloc(sizeof(*last));
	st = malloc(sizeof(*st));
	if (!cur || !last || !st) {
		discover_note_in(o, in, "out of memory");
		goto out;
	}
	discover_list_init(cur);
	discover_list_init(last);
	memset(st, 0, sizeof(*st));
	why[0] = '\0';

	for (;;) {
		switch (lex_next(&lx, &t)) {
		case T_ERR:
			snprintf(why, sizeof(why), "%s", lx.why);
			goto bad;
		case T_EOF:
			if (depth) {
				snprintf(why, sizeof(why),
					 "line %u: end of file inside a block", t.line);
				goto bad;
			}
			if (stmt_n) {
				snprintf(why, sizeof(why),
					 "line %u: end of file inside a statement",
					 t.line);
				goto bad;
			}
			if (have_last)
				discover_list_merge(out, last);
			ret = 0;
			goto out;
		case T_LBRACE:
			if (st->on) {
				snprintf(why, sizeof(why),
					 "line %u: option ntp-servers: malformed list",
					 t.line);
				goto bad;
			}
			if (depth == MAX_DEPTH) {
				snprintf(why, sizeof(why),
					 "line %u: blocks nested too deep", t.line);
				goto bad;
			}
			if (!depth) {
				in_lease = stmt_n == 1 && first_is_lease;
				if (in_lease)
					discover_list_init(cur);
			}
			depth++;
			stmt_n = 0;
			break;
		case T_RBRACE:
			if (!depth) {
				snprintf(why, sizeof(why), "line %u: unexpected '}'",
					 t.line);
				goto bad;
			}
			if (stmt_n) {
				snprintf(why, sizeof(why),
					 "line %u: missing ';' before '}'", t.line);
				goto bad;
			}
			if (--depth == 0 && in_lease) {
				*last = *cur;
				have_last = true;
				in_lease = false;
			}
			break;
		case T_SEMI:
			if (st->on) {
				if (!st->n || st->want_addr) {
					snprintf(why, sizeof(why), st->n ?
						 "line %u: option ntp-servers: malformed list" :
						 "line %u: option ntp-servers: no address",
						 t.line);
					goto bad;
				}
				/* Said twice in one lease: the later one counts. */
				*cur = st->list;
				st->on = false;
			}
			stmt_n = 0;
			break;
		default:	/* a word, a string or a comma */
			stmt_n++;
			if (stmt_n == 1) {
				first_is_option = tok_is(&t, "option");
				first_is_lease = tok_is(&t, "lease");
			}
			if (st->on) {
				if (ntp_stmt_tok(st, &t, in, why, sizeof(why)))
					goto bad;
			} else if (stmt_n == 2 && depth == 1 && in_lease &&
				   first_is_option && tok_is(&t, "ntp-servers")) {
				memset(st, 0, sizeof(*st));
				st->on = true;
				st->want_addr = true;
			}
			break;
		}
	}
bad:
	discover_note_in(o, in, "%s", why);
out:
	free(cur);
	free(last);
	free(st);
	return ret;
}

static bool key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

int discover_parse_networkd(const struct discover_opts *o,
			    const struct discover_input *in, const char *buf,
			    size_t len, struct discover_list *out)
{
	const char *p = buf, *end = buf + len, *eol, *v, *w;
	struct discover_list ntp;
	struct ntp_server_cfg cfg;
	unsigned int line = 0, n;
	bool have_ntp = false;
	char inner[160];
	size_t l, i;

	discover_list_init(&ntp);
	for (; p < end; p = eol + 1) {
		line++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		l = (size_t)(eol - p);
		if (l && p[l - 1] == '\r')
			l--;
		for (i = 0; i < l; i++) {
			unsigned char c = (unsigned char)p[i];

			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				discover_note_in(o, in, "line %u: unexpected byte 0x%02x",
						 line, c);
				return -1;
			}
		}
		for (i = 0; i < l && (p[i] == ' ' || p[i] == '\t'); i++)
			;
		if (i == l || p[i] == '#' || p[i] == ';')
			continue;
		for (i = 0; i < l && key_char(p[i]); i++)
			;
		if (!i || i == l || p[i] != '=') {
			discover_note_in(o, in, "line %u: not a KEY=VALUE line", line);
			return -1;
		}
		if (i != 3 || memcmp(p, "NTP", 3))
			continue;
		/* "NTP=A B ...": the last NTP= line counts. */
		discover_list_init(&ntp);
		n = 0;
		for (v = p + 4; v < p + l; v = w) {
			while (v < p + l && (*v == ' ' || *v == '\t'))
				v++;
			for (w = v; w < p + l && *w != ' ' && *w != '\t'; w++)
				;
			if (w == v)
				break;
			if (discover_server_parse(v, (size_t)(w - v), true, &cfg,
						  inner, sizeof(inner))) {
				discover_note_in(o, in, "line %u: NTP: %s", line, inner);
				return -1;
			}
			discover_list_add(&ntp, &cfg, in->source, FIELD_NETWORKD);
			n++;
		}
		if (!n) {
			discover_note_in(o, in, "line %u: NTP: no address", line);
			return -1;
		}
		have_ntp = true;
	}
	if (have_ntp)
		discover_list_merge(out, &ntp);
	return 0;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return true;
}

static void scan_dir(const struct discover_opts *o, const char *dir,
		     struct discover_list *out)
{
	struct discover_input in = { .label = "dhcp lease" };
	char path[PATH_MAX];
	struct dirent **names;
	struct stat st;
	int n, i, r;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			discover_note(o, "discover: dhcp lease directory %s: cannot list: %s",
				      dir, strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		bool networkd = all_digits(name);
		struct discover_list *found;
		size_t len;
		char *buf;

		if (!networkd && !strstr(name, ".lease"))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
			    sizeof(path) ||
		    stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		in.source = path;
		if (discover_read_file(o, &in, &buf, &len))
			continue;
		found = malloc(sizeof(*found));
		if (found) {
			discover_list_init(found);
			r = networkd ? discover_parse_networkd(o, &in, buf, len, found) :
				       discover_parse_dhclient(o, &in, buf, len, found);
			if (!r)
				discover_list_merge(out, found);
			free(found);
		}
		free(buf);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void discover_dhcp(const struct discover_opts *o, struct discover_list *out)
{
	char *dirs, *dir, *save = NULL;

	if (!o->lease_dirs)
		return;
	dirs = strdup(o->lease_dirs);
	if (!dirs)
		return;
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
		scan_dir(o, dir, out);
	free(dirs);
}
