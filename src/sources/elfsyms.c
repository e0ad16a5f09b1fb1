// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The symbol names that tell how an object was built (elfscan.h:
 * elf_sym_class()): a library has thousands of symbols, and each is
 * looked up in one sorted table behind a test of its first bytes, not
 * compared with every name.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "sources/elfscan.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The symbols that tell how an object was built, sorted by name (byte
 * order, for bsearch): those a stack-protected object imports (or, for
 * libc, defines); imports that write into a caller's buffer (code that
 * uses none of them most likely has no buffer for a cookie to protect,
 * and -fstack-protector-strong then emits no check at all); and the Go
 * runtime's.
 */
struct sym_name {
	const char *name;
	enum elf_sym_class cls;
};

static const struct sym_name known_syms[] = {
	{ "__fgets_chk", ELF_SYM_WRITER },
	{ "__intel_security_cookie", ELF_SYM_COOKIE },
	{ "__memcpy_chk", ELF_SYM_WRITER },
	{ "__read_chk", ELF_SYM_WRITER },
	{ "__snprintf_chk", ELF_SYM_WRITER },
	{ "__sprintf_chk", ELF_SYM_WRITER },
	{ "__stack_chk_fail", ELF_SYM_COOKIE },
	{ "__stack_chk_fail_local", ELF_SYM_COOKIE },
	{ "__stack_chk_guard", ELF_SYM_COOKIE },
	{ "__strcpy_chk", ELF_SYM_WRITER },
	{ "fgets", ELF_SYM_WRITER },
	{ "fread", ELF_SYM_WRITER },
	{ "fscanf", ELF_SYM_WRITER },
	{ "getline", ELF_SYM_WRITER },
	{ "gets", ELF_SYM_WRITER },
	{ "memcpy", ELF_SYM_WRITER },
	{ "memmove", ELF_SYM_WRITER },
	{ "memset", ELF_SYM_WRITER },
	{ "pread", ELF_SYM_WRITER },
	{ "read", ELF_SYM_WRITER },
	{ "realpath", ELF_SYM_WRITER },
	{ "recv", ELF_SYM_WRITER },
	{ "recvfrom", ELF_SYM_WRITER },
	{ "runtime.main", ELF_SYM_GO },
	{ "runtime.morestack", ELF_SYM_GO },
	{ "scanf", ELF_SYM_WRITER },
	{ "snprintf", ELF_SYM_WRITER },
	{ "sprintf", ELF_SYM_WRITER },
	{ "sscanf", ELF_SYM_WRITER },
	{ "stpcpy", ELF_SYM_WRITER },
	{ "strcat", ELF_SYM_WRITER },
	{ "strcpy", ELF_SYM_WRITER },
	{ "strncat", ELF_SYM_WRITER },
	{ "strncpy", ELF_SYM_WRITER },
	{ "vsnprintf", ELF_SYM_WRITER },
	{ "vsprintf", ELF_SYM_WRITER },
	{ "wcscpy", ELF_SYM_WRITER },
};

/*
 * Longer names (a C++ library's mangled ones) are none of them.  A
 * name added above may need its first byte added to elf_sym_class().
 */
#define SYM_NAME_MAX 23

static int sym_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct sym_name *)elem)->name);
}

enum elf_sym_class elf_sym_class(const char *name)
{
	const struct sym_name *k;

	/* the first bytes of every name above, as a cheap first test */
	switch (name[0]) {
	case '_':
		if (name[1] != '_')	/* a C++ name: "_Z..." */
			return ELF_SYM_NONE;
		break;
	case 'f': case 'g': case 'm': case 'p': case 'r': case 's':
	case 'v': case 'w':
		break;
	default:
		return ELF_SYM_NONE;
	}
	if (strnlen(name, SYM_NAME_MAX + 1) > SYM_NAME_MAX)
		return ELF_SYM_NONE;
	k = bsearch(name, known_syms, N(known_syms), sizeof(known_syms[0]),
		    sym_cmp);
	return k ? k->cls : ELF_SYM_NONE;
}

