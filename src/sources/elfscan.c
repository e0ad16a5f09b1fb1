// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How a binary was built, from its ELF headers (libelf): DEP, stack
 * cookies, PIE, RELRO.  Files are untrusted and can be large.  libelf
 * reads them lazily with pread (ELF_C_READ): the ELF header, the header
 * tables, and only the sections examined, each checked against the
 * file's size and ELF_MAX_SECTION before libelf is asked for it.  No
 * mapping of the file (a concurrent truncation would turn that into
 * SIGBUS) and no buffer the size of the file.  Whatever cannot be read
 * is "unknown".  Verdicts already reached are kept by elfcache.c;
 * scripts are judged by their interpreter (elfpath.c).
 */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/elfscan.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *elf_tri_name(enum elf_tri t, const char *yes, const char *no)
{
	return t == ELF_YES ? yes : t == ELF_NO ? no : "unknown";
}

const char *elf_pie_name(enum elf_pie p)
{
	static const char *const n[] = { "unknown", "yes", "no", "dso" };

	return n[p];
}

const char *elf_relro_name(enum elf_relro r)
{
	static const char *const n[] = { "unknown", "none", "partial", "full" };

	return n[r];
}

/* Does this architecture run code without PT_GNU_STACK non-executable? */
static int nx_by_default(GElf_Half machine)
{
	/* x86_64 since Linux 5.8; arm64 and riscv never assumed exec. */
	return machine == EM_X86_64 || machine == EM_AARCH64 ||
	       machine == EM_RISCV;
}

struct scan {
	int has_interp, has_dynamic, has_relro, bind_now, df1_pie;
	int stack_seen, stack_exec;
	int cookie_import, cookie_defined, writer_import, symtab;
	int go;
	int phdr_err, shdr_err;
	int debug_only;		/* .text is NOBITS: separate debug info */
	char writer[32];
	char cookie[32];
};

static void scan_phdrs(Elf *e, size_t n, struct scan *s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph)) {
			s->phdr_err = 1;
			continue;
		}
		switch (ph.p_type) {
		case PT_INTERP:
			s->has_interp = 1;
			break;
		case PT_DYNAMIC:
			s->has_dynamic = 1;
			break;
		case PT_GNU_RELRO:
			s->has_relro = 1;
			break;
		case PT_GNU_STACK:
			/* The kernel and ld.so honour the last one. */
			s->stack_seen = 1;
			s->stack_exec = (ph.p_flags & PF_X) != 0;
			break;
		}
	}
}

static void scan_dynamic(Elf_Data *d, GElf_Shdr *sh, struct scan *s)
{
	size_t i, n = sh->sh_entsize ? d->d_size / sh->sh_entsize : 0;

	for (i = 0; i < n; i++) {
		GElf_Dyn dyn;

		if (!gelf_getdyn(d, (int)i, &dyn))
			break;
		if (dyn.d_tag == DT_NULL)
			break;
		if (dyn.d_tag == DT_BIND_NOW ||
		    (dyn.d_tag == DT_FLAGS && (dyn.d_un.d_val & DF_BIND_NOW)) ||
		    (dyn.d_tag == DT_FLAGS_1 && (dyn.d_un.d_val & DF_1_NOW)))
			s->bind_now = 1;
		if (dyn.d_tag == DT_FLAGS_1 && (dyn.d_un.d_val & DF_1_PIE))
			s->df1_pie = 1;
	}
}

/*
 * The string table of a symbol table, to read names from directly:
 * elf_strptr() checks the section anew for every name.  NULL unless it
 * ends in a NUL (then no name read from it can run past its end).
 */
static const char *strtab_of(Elf *e, GElf_Shdr *sh, size_t *size)
{
	Elf_Scn *scn = elf_getscn(e, sh->sh_link);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;

	if (!d || !d->d_buf || !d->d_size ||
	    ((const char *)d->d_buf)[d->d_size - 1] != '\0')
		return NULL;
	*size = d->d_size;
	return d->d_buf;
}

static void scan_symbols(Elf *e, Elf_Data *d, GElf_Shdr *sh, struct scan *s)
{
	size_t i, n = sh->sh_entsize ? d->d_size / sh->sh_entsize : 0;
	size_t strsize = 0;
	const char *strtab = strtab_of(e, sh, &strsize);

	if (sh->sh_type == SHT_SYMTAB)
		s->symtab = 1;
	for (i = 1; i < n; i++) {
		const char *name;
		GElf_Sym sym;

		if (!gelf_getsym(d, (int)i, &sym))
			break;
		if (!sym.st_name)
			continue;
		if (strtab)
			name = sym.st_name < strsize ? strtab + sym.st_name :
						       NULL;
		else
			name = elf_strptr(e, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		switch (elf_sym_class(name)) {
		case ELF_SYM_COOKIE:
			if (sym.st_shndx == SHN_UNDEF)
				s->cookie_import = 1;
			else
				s->cookie_defined = 1;
			snprintf(s->cookie, sizeof(s->cookie), "%s", name);
			break;
		case ELF_SYM_WRITER:
			if (sym.st_shndx == SHN_UNDEF && !s->writer_import) {
				s->writer_import = 1;
				snprintf(s->writer, sizeof(s->writer), "%s",
					 name);
			}
			break;
		case ELF_SYM_GO:
			s->go = 1;
			break;
		case ELF_SYM_NONE:
			break;
		}
	}
}

/*
 * May libelf load section ndx?  Only when it lies inside the file and
 * is no larger than ELF_MAX_SECTION: libelf allocates and reads a
 * section whole, and a hostile header can claim any size.
 */
static int section_ok(Elf *e, size_t ndx, uint64_t fsize)
{
	Elf_Scn *scn = elf_getscn(e, ndx);
	GElf_Shdr sh;

	if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
		return 0;
	return sh.sh_offset <= fsize && sh.sh_size <= fsize - sh.sh_offset &&
	       sh.sh_size <= ELF_MAX_SECTION;
}

static void scan_sections(Elf *e, uint64_t fsize, int is_static,
			  struct scan *s)
{
	size_t shstrndx = 0, nsh = 0;
	Elf_Scn *scn = NULL;

	if (elf_getshdrnum(e, &nsh) < 0) {
		s->shdr_err = 1;
		return;
	}
	if (elf_getshdrstrndx(e, &shstrndx) < 0 ||
	    !section_ok(e, shstrndx, fsize))
		shstrndx = 0;
	while ((scn = elf_nextscn(e, scn))) {
		const char *name;
		Elf_Data *d;
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh)) {
			s->shdr_err = 1;
			continue;
		}
		if (sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > fsize || sh.sh_size > fsize - sh.sh_offset)) {
			s->shdr_err = 1;
			continue;
		}
		name = shstrndx ? elf_strptr(e, shstrndx, sh.sh_name) : NULL;
		if (name && sh.sh_type == SHT_NOBITS && !strcmp(name, ".text"))
			s->debug_only = 1;
		/* a Go toolchain's sections: ".go...", ".note.go..." */
		if (name && name[0] == '.' && (name[1] == 'g' || name[1] == 'n') &&
		    (!strcmp(name, ".go.buildinfo") ||
		     !strcmp(name, ".note.go.buildid") ||
		     !strcmp(name, ".gopclntab")))
			s->go = 1;
		if (sh.sh_type != SHT_DYNSYM && sh.sh_type != SHT_SYMTAB &&
		    sh.sh_type != SHT_DYNAMIC)
			continue;
		/* .dynsym says it all for a dynamic object: skip .symtab. */
		if (sh.sh_type == SHT_SYMTAB && !is_static)
			continue;
		/* Too large to judge, or its string table is. */
		if (sh.sh_size > ELF_MAX_SECTION ||
		    (sh.sh_type != SHT_DYNAMIC &&
		     !section_ok(e, sh.sh_link, fsize))) {
			s->shdr_err = 1;
			continue;
		}
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf) {
			/* A symbol table past the end of a truncated file. */
			if (sh.sh_size)
				s->shdr_err = 1;
			continue;
		}
		if (sh.sh_type == SHT_DYNAMIC)
			scan_dynamic(d, &sh, s);
		else
			scan_symbols(e, d, &sh, s);
	}
}

static void judge_dep(const GElf_Ehdr *eh, const struct scan *s,
		      int is_dso, struct elf_verdict *v)
{
	if (s->phdr_err) {
		v->dep = ELF_UNKNOWN;
		snprintf(v->dep_reason, sizeof(v->dep_reason),
			 "program headers unreadable (truncated or damaged file)");
	} else if (s->stack_seen) {
		v->dep = s->stack_exec ? ELF_NO : ELF_YES;
		snprintf(v->dep_reason, sizeof(v->dep_reason), "%s",
			 s->stack_exec ? "PT_GNU_STACK asks for an executable stack (RWX)" :
			 "PT_GNU_STACK is not executable");
	} else if (is_dso) {
		v->dep = ELF_NO;
		snprintf(v->dep_reason, sizeof(v->dep_reason),
			 "no PT_GNU_STACK: the dynamic loader makes the stack executable for it");
	} else if (nx_by_default(eh->e_machine)) {
		v->dep = ELF_YES;
		snprintf(v->dep_reason, sizeof(v->dep_reason),
			 "no PT_GNU_STACK, but this architecture defaults to a non-executable stack (x86_64: Linux >= 5.8)");
	} else {
		v->dep = ELF_NO;
		snprintf(v->dep_reason, sizeof(v->dep_reason),
			 "no PT_GNU_STACK: the kernel gives this architecture an executable stack");
	}
}

static void judge_cookies(const struct scan *s, int is_static,
			  struct elf_verdict *v)
{
	char *r = v->cookie_reason;
	size_t len = sizeof(v->cookie_reason);

	if (s->shdr_err && !s->cookie_import) {
		v->stack_cookies = ELF_UNKNOWN;
		snprintf(r, len, "section headers or symbols unreadable (truncated or damaged file)");
	} else if (s->go) {
		v->stack_cookies = ELF_UNKNOWN;
		snprintf(r, len, "Go binary: Go checks stack bounds itself and never uses cookies");
	} else if (s->cookie_import) {
		v->stack_cookies = ELF_YES;
		snprintf(r, len, "imports %s", s->cookie);
	} else if (is_static && s->cookie_defined) {
		v->stack_cookies = ELF_UNKNOWN;
		snprintf(r, len, "static binary: %s is present but may come from libc alone",
			 s->cookie);
	} else if (s->cookie_defined) {
		v->stack_cookies = ELF_YES;
		snprintf(r, len, "defines %s", s->cookie);
	} else if (is_static && !s->symtab) {
		v->stack_cookies = ELF_UNKNOWN;
		snprintf(r, len, "static and stripped: no symbols to tell");
	} else if (is_static) {
		v->stack_cookies = ELF_NO;
		snprintf(r, len, "static binary without __stack_chk_fail");
	} else if (!s->writer_import) {
		v->stack_cookies = ELF_UNKNOWN;
		snprintf(r, len, "no cookie symbol, but no buffer-writing import either: likely nothing to protect");
	} else {
		v->stack_cookies = ELF_NO;
		snprintf(r, len, "no __stack_chk_fail although it calls %s",
			 s->writer);
	}
}

static void not_run(struct elf_verdict *v, const char *why)
{
	v->dep = v->stack_cookies = ELF_UNKNOWN;
	v->pie = PIE_UNKNOWN;
	v->relro = RELRO_UNKNOWN;
	snprintf(v->dep_reason, sizeof(v->dep_reason), "%s", why);
	snprintf(v->cookie_reason, sizeof(v->cookie_reason), "%s", why);
}

int elf_analyze_fd(int fd, struct elf_verdict *v)
{
	unsigned char ident[EI_NIDENT];
	struct scan s;
	GElf_Ehdr eh;
	size_t nph = 0;
	int is_dso, is_static, r = -1;
	struct stat st;
	uint64_t fsize;
	Elf *e = NULL;
	ssize_t n;

	memset(v, 0, sizeof(*v));
	memset(&s, 0, sizeof(s));
	if (fstat(fd, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode) || st.st_size > ELF_MAX_SIZE) {
		errno = S_ISREG(st.st_mode) ? EFBIG : ENOEXEC;
		return -1;
	}
	fsize = (uint64_t)st.st_size;
	/* Not ELF at all: say ENOEXEC before libelf is involved. */
	n = pread(fd, ident, sizeof(ident), 0);
	if (n < (ssize_t)sizeof(ident) || memcmp(ident, ELFMAG, SELFMAG) ||
	    (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64) ||
	    (ident[EI_DATA] != ELFDATA2LSB && ident[EI_DATA] != ELFDATA2MSB)) {
		errno = n < 0 ? errno : ENOEXEC;
		return -1;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		errno = ENOSYS;
		return -1;
	}
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		errno = ENOEXEC;
		goto out;
	}
	v->is_elf = 1;
	if (!gelf_getehdr(e, &eh) || elf_getphdrnum(e, &nph) < 0) {
		snprintf(v->dep_reason, sizeof(v->dep_reason),
			 "unreadable ELF headers: %s", elf_errmsg(-1));
		snprintf(v->cookie_reason, sizeof(v->cookie_reason), "%s",
			 v->dep_reason);
		r = 0;
		goto out;
	}
	/*
	 * libelf treats header tables beyond the end of a truncated file
	 * as absent; absent is a verdict, so check the extents here.
	 */
	if (eh.e_phoff > fsize ||
	    (GElf_Off)eh.e_phnum * eh.e_phentsize > fsize - eh.e_phoff)
		s.phdr_err = 1;
	if (eh.e_shoff > fsize ||
	    (GElf_Off)eh.e_shnum * eh.e_shentsize > fsize - eh.e_shoff)
		s.shdr_err = 1;
	scan_phdrs(e, nph, &s);
	is_static = !s.has_interp && !s.has_dynamic;
	if (!s.shdr_err)
		scan_sections(e, fsize, is_static, &s);
	is_dso = eh.e_type == ET_DYN && !s.has_interp && !s.df1_pie &&
		 !is_static;
	judge_dep(&eh, &s, is_dso, v);
	judge_cookies(&s, is_static, v);
	if (eh.e_type == ET_EXEC)
		v->pie = PIE_NO;
	else if (eh.e_type == ET_DYN)
		v->pie = is_dso ? PIE_DSO : PIE_YES;
	if (s.has_relro)
		v->relro = s.bind_now ? RELRO_FULL : RELRO_PARTIAL;
	else
		v->relro = RELRO_NONE;
	/* Without the dynamic section BIND_NOW cannot be ruled out. */
	if (s.phdr_err || (s.has_relro && s.shdr_err))
		v->relro = RELRO_UNKNOWN;
	if (s.phdr_err)
		v->pie = PIE_UNKNOWN;
	/* Files that never run as they are: say so rather than guess. */
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		not_run(v, eh.e_type == ET_REL ?
			"relocatable object (.o, .ko): not run as it is" :
			"not an executable or shared object");
	else if (s.debug_only)
		not_run(v, "separate debug information: holds no code");
	r = 0;
out:
	if (e)
		elf_end(e);
	return r;
}

int elf_judge_inprocess(void *data, int fd, struct elf_verdict *v)
{
	return elf_analyze_fd(fd, v);
}
