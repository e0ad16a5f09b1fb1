// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Container ids from /proc/PID/cgroup lines as runtimes really write
 * them: recorded on this machine (podman, cgroup v1 + unified) and
 * taken from the layouts of systemd hosts (docker, containerd, CRI-O,
 * kubelet, nspawn, LXC) under v1, v2 and hybrid.
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/cgroupid.h"

#define ID "cef99efdfcca2cf4d9e4418c955f6f095fa887ca1ea4130a27f1978a446d14ce"

static const struct {
	const char *text;
	int r;
	const char *runtime, *id;
} cases[] = {
	/* podman here: hybrid, cgroupfs manager (recorded) */
	{ "9:name=systemd:/libpod_parent/libpod-" ID "\n"
	  "8:pids:/libpod_parent/libpod-" ID "\n"
	  "1:cpu:/libpod_parent/libpod-" ID "\n"
	  "0::/libpod_parent/libpod-" ID "\n", 1, "podman", ID },
	/* podman under systemd, cgroup v2, and its sub-cgroup */
	{ "0::/machine.slice/libpod-" ID ".scope\n", 1, "podman", ID },
	{ "0::/machine.slice/libpod-" ID ".scope/container\n", 1, "podman",
	  ID },
	/* conmon, podman's monitor, is on the host side */
	{ "0::/machine.slice/libpod-conmon-" ID ".scope\n", 0, NULL, NULL },
	/* docker: systemd driver v2, cgroupfs driver v1 */
	{ "0::/system.slice/docker-" ID ".scope\n", 1, "docker", ID },
	{ "12:memory:/docker/" ID "\n11:cpu,cpuacct:/docker/" ID "\n"
	  "0::/\n", 1, "docker", ID },
	/* kubernetes: containerd and CRI-O with systemd, kubelet cgroupfs */
	{ "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b.slice/cri-containerd-"
	  ID ".scope\n", 1, "containerd", ID },
	{ "0::/kubepods.slice/kubepods-pod1a2b.slice/crio-" ID ".scope\n",
	  1, "cri-o", ID },
	{ "0::/kubepods.slice/kubepods-pod1a2b.slice/crio-conmon-" ID
	  ".scope\n", 0, NULL, NULL },
	{ "4:memory:/kubepods/besteffort/pod1a2b-3c/" ID "\n", 1,
	  "kubernetes", ID },
	/* systemd-nspawn: the machine's name, '-' escaped by systemd */
	{ "0::/machine.slice/machine-web\\x2d1.scope/payload\n", 1, "nspawn",
	  "web-1" },
	/* LXC */
	{ "0::/lxc.payload.box1/init.scope\n", 1, "lxc", "box1" },
	{ "5:memory:/lxc/box2\n", 1, "lxc", "box2" },
	/* the host: services, users, the root */
	{ "0::/system.slice/ssh.service\n", 0, NULL, NULL },
	{ "0::/user.slice/user-1000.slice/session-3.scope\n", 0, NULL, NULL },
	{ "0::/\n", 0, NULL, NULL },
	{ "9:name=systemd:/\n0::/\n", 0, NULL, NULL },
	/* a short or non-hex id is no container id */
	{ "0::/system.slice/docker-abc.scope\n", 0, NULL, NULL },
	{ "0::/docker/" "CEF99EFDFCCA2CF4D9E4418C955F6F095FA887CA1EA4130A27F1978A446D14CE\n",
	  0, NULL, NULL },
	/* v2 wins over v1 when both name one */
	{ "4:memory:/docker/" ID "\n0::/machine.slice/libpod-"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  ".scope\n", 1, "podman",
	  "0000000000000000000000000000000000000000000000000000000000000000" },
	/* no newline at the end */
	{ "0::/system.slice/docker-" ID ".scope", 1, "docker", ID },
	/* not cgroup lines */
	{ "", -1, NULL, NULL },
	{ "garbage\n", -1, NULL, NULL },
};

START_TEST(parse)
{
	struct cgroup_ctr c = { NULL, "" };
	int r = cgroupid_parse(cases[_i].text, strlen(cases[_i].text), &c);

	ck_assert_msg(r == cases[_i].r, "case %d: got %d", _i, r);
	if (r == 1) {
		ck_assert_str_eq(c.runtime, cases[_i].runtime);
		ck_assert_str_eq(c.id, cases[_i].id);
	}
}
END_TEST

/* Hostile names: bounded, nothing but printable bytes. */
START_TEST(hostile)
{
	char buf[512];
	struct cgroup_ctr c;

	snprintf(buf, sizeof(buf), "0::/machine.slice/machine-%0100d.scope\n",
		 7);
	ck_assert_int_eq(cgroupid_parse(buf, strlen(buf), &c), 0);
	snprintf(buf, sizeof(buf), "0::/lxc.payload.a\tb\n");
	ck_assert_int_eq(cgroupid_parse(buf, strlen(buf), &c), 0);
	snprintf(buf, sizeof(buf), "0::/lxc.payload.\xff\xfe\n");
	ck_assert_int_eq(cgroupid_parse(buf, strlen(buf), &c), 0);
	/* a NUL inside the text ends nothing early and reads nothing past */
	memcpy(buf, "0::/docker/\0x\n", 14);
	ck_assert_int_eq(cgroupid_parse(buf, 14, &c), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cgroupid");
	TCase *tc = tcase_create("cgroupid");

	tcase_add_loop_test(tc, parse, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, hostile);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
