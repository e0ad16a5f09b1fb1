// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Container names, images and pods from the runtimes' files, laid out
 * under a directory as podman, CRI-O and containerd lay them out (the
 * annotation keys are the runtimes' own), and hostile ones.
 */
#include "build.h"

#include <check.h>
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/ctrmeta.h"

#define ID_A "aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111"
#define ID_B "bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222"
#define ID_C "cccccccccccc3333333333333333333333333333333333333333333333333333"
#define ID_D "dddddddddddd4444444444444444444444444444444444444444444444444444"
#define ID_E "eeeeeeeeeeee5555555555555555555555555555555555555555555555555555"
#define POD "34e7b54b654d6fc056188aa92d4e21bcd5bb8e5f90438423b4317c6d49105eac"

static char top[64];

/* Write text to top/rel, making its directories. */
static void put(const char *rel, const char *text)
{
	char cmd[640], path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	ck_assert_int_eq(system(cmd), 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	snprintf(top, sizeof(top), "/tmp/vigil-ctrmeta-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(top));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	ck_assert_int_eq(system(cmd), 0);
}

static struct place at(const char *runtime, const char *id)
{
	struct place p;

	memset(&p, 0, sizeof(p));
	p.runtime = runtime;
	snprintf(p.ctr_id, sizeof(p.ctr_id), "%s", id);
	return p;
}

/* podman: name and image from containers.json, the pod from the bundle */
START_TEST(podman_pod)
{
	struct ctrmeta *c = ctrmeta_new(NULL, top);
	struct place p = at("podman", ID_A);

	put("var/lib/containers/storage/overlay-containers/containers.json",
	    "[{\"id\":\"" ID_A "\",\"names\":[\"web\"],\"image\":\"f4b2\","
	    "\"metadata\":\"{\\\"image-name\\\":\\\"localhost/app:1\\\"}\"}]");
	put("var/lib/containers/storage/overlay-containers/" ID_A
	    "/userdata/config.json",
	    "{\"ociVersion\":\"1.0.2-dev\",\"annotations\":{"
	    "\"io.container.manager\":\"libpod\","
	    "\"io.kubernetes.cri-o.ContainerType\":\"container\","
	    "\"io.kubernetes.cri-o.SandboxID\":\"" POD "\"}}");
	ck_assert_ptr_nonnull(c);
	ctrmeta_fill(c, &p);
	ck_assert_str_eq(p.ctr_name, "web");
	ck_assert_str_eq(p.image, "localhost/app:1");
	ck_assert_str_eq(p.pod_id, POD);
	ck_assert_str_eq(p.pod_name, "");
	ck_assert_str_eq(p.pod_namespace, "");
	ctrmeta_free(c);
}
END_TEST

/* CRI-O keeps its bundles under its run root, with kubelet's labels */
START_TEST(crio_pod)
{
	struct ctrmeta *c = ctrmeta_new(NULL, top);
	struct place p = at("cri-o", ID_B);

	put("run/containers/storage/overlay-containers/" ID_B
	    "/userdata/config.json",
	    "{\"annotations\":{"
	    "\"io.kubernetes.container.name\":\"nginx\","
	    "\"io.kubernetes.cri-o.ImageName\":\"docker.io/library/nginx:1.25\","
	    "\"io.kubernetes.cri-o.SandboxID\":\"" POD "\","
	    "\"io.kubernetes.pod.name\":\"web-7d4b9c\","
	    "\"io.kubernetes.pod.namespace\":\"shop\"}}");
	ctrmeta_fill(c, &p);
	ck_assert_str_eq(p.ctr_name, "nginx");
	ck_assert_str_eq(p.image, "docker.io/library/nginx:1.25");
	ck_assert_str_eq(p.pod_name, "web-7d4b9c");
	ck_assert_str_eq(p.pod_namespace, "shop");
	ck_assert_str_eq(p.pod_id, POD);
	/* a kubelet cgroupfs id (runtime unknown) is found there too */
	p = at("kubernetes", ID_B);
	ctrmeta_fill(c, &p);
	ck_assert_str_eq(p.pod_name, "web-7d4b9c");
	ctrmeta_free(c);
}
END_TEST

START_TEST(containerd_pod)
{
	struct ctrmeta *c = ctrmeta_new(NULL, top);
	struct place p = at("containerd", ID_C);

	put("run/containerd/io.containerd.runtime.v2.task/k8s.io/" ID_C
	    "/config.json",
	    "{\"annotations\":{"
	    "\"io.kubernetes.cri.container-type\":\"container\","
	    "\"io.kubernetes.cri.container-name\":\"redis\","
	    "\"io.kubernetes.cri.image-name\":\"docker.io/library/redis:7\","
	    "\"io.kubernetes.cri.sandbox-id\":\"" POD "\","
	    "\"io.kubernetes.cri.sandbox-name\":\"cache-0\","
	    "\"io.kubernetes.cri.sandbox-namespace\":\"shop\"}}");
	ctrmeta_fill(c, &p);
	ck_assert_str_eq(p.ctr_name, "redis");
	ck_assert_str_eq(p.image, "docker.io/library/redis:7");
	ck_assert_str_eq(p.pod_name, "cache-0");
	ck_assert_str_eq(p.pod_namespace, "shop");
	ck_assert_str_eq(p.pod_id, POD);
	ctrmeta_free(c);
}
END_TEST

/* What a hostile or broken bundle gives: nothing, or names cut short. */
START_TEST(hostile_bundles)
{
	struct ctrmeta *c = ctrmeta_new(NULL, top);
	char path[256], json[512], big[200];
	struct place p;

	/* annotations that are not an object, values that are not text */
	put("run/containerd/io.containerd.runtime.v2.task/k8s.io/" ID_D
	    "/config.json", "{\"annotations\":[\"io.kubernetes.cri."
	    "sandbox-name\",\"x\"]}");
	p = at("containerd", ID_D);
	ctrmeta_fill(c, &p);
	ck_assert_str_eq(p.pod_name, "");
	memset(big, 'n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(json, sizeof(json), "{\"annotations\":{"
		 "\"io.kubernetes.pod.name\":7,"
		 "\"io.kubernetes.pod.namespace\":\"%s\"}}", big);
	put("run/containers/storage/overlay-containers/" ID_E
	    "/userdata/config.json", json);
	p = at("cri-o", ID_E);
	ctrmeta_fill(c, &p);
	ck_assert_str_eq(p.pod_name, "");
	ck_assert_uint_eq(strlen(p.pod_namespace), sizeof(p.pod_namespace) - 1);
	ctrmeta_free(c);

	/* a FIFO where the bundle should be is never opened */
	c = ctrmeta_new(NULL, top);
	snprintf(path, sizeof(path), "%s/run/containers/storage/"
		 "overlay-containers/" ID_E "/userdata/config.json", top);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	p = at("cri-o", ID_E);
	ctrmeta_fill(c, &p);
	ck_assert_str_eq(p.pod_namespace, "");
	/* not JSON at all */
	put("run/containerd/io.containerd.runtime.v2.task/k8s.io/" ID_A
	    "/config.json", "{\"annotations\":{\"io.kubernetes.cri.sand");
	p = at("containerd", ID_A);
	ctrmeta_fill(c, &p);
	ck_assert_str_eq(p.pod_name, "");
	/* an id that is not hex never goes into a path */
	put("run/containerd/io.containerd.runtime.v2.task/k8s.io/../x/"
	    "config.json", "{\"annotations\":{\"io.kubernetes.cri."
	    "sandbox-name\":\"escaped\"}}");
	p = at("containerd", "../x");
	ctrmeta_fill(c, &p);
	ck_assert_str_eq(p.pod_name, "");
	ctrmeta_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ctrmeta");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, podman_pod);
	tcase_add_test(tc, crio_pod);
	tcase_add_test(tc, containerd_pod);
	tcase_add_test(tc, hostile_bundles);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
