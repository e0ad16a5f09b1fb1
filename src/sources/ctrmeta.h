/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_SOURCES_CTRMETA_H
#define VIGIL_SOURCES_CTRMETA_H

#include "model/events.h"

/*
 * A container's name and image, from the files its runtime keeps on
 * the host (no runtime API, nothing trusted for a verdict):
 *   podman  <root>/overlay-containers/containers.json  ("names",
 *           "metadata" image-name), root /var/lib/containers/storage
 *   docker  /var/lib/docker/containers/<id>/config.v2.json  ("Name",
 *           "Config.Image")
 * and the pod from the annotations of its OCI bundle's config.json:
 *   podman  <root>/overlay-containers/<id>/userdata/config.json
 *           (io.kubernetes.cri-o.SandboxID: the pod's id only)
 *   CRI-O   /run/containers/storage/overlay-containers/<id>/userdata/
 *           (io.kubernetes.pod.name, .pod.namespace, cri-o.SandboxID)
 *   containerd  /run/containerd/io.containerd.runtime.v2.task/k8s.io/
 *           <id>/ (io.kubernetes.cri.sandbox-name, -namespace, -id)
 * (a kubelet cgroupfs id is looked for under both CRI runtimes).  A CRI
 * runtime's annotations also name the container and its image when
 * nothing else did.  Cached by id; an id not found is looked for again
 * after a while (a container being created is written there a moment
 * after it runs).
 */
struct ctrmeta;

/*
 * storage: podman's storage root (NULL: the default); prefix: put
 * before every path read ("" or NULL: none; tests use a directory).
 * NULL on ENOMEM.
 */
struct ctrmeta *ctrmeta_new(const char *storage, const char *prefix);
void ctrmeta_free(struct ctrmeta *c);

/*
 * Fill p->ctr_name, p->image, p->image_id and the pod for p->runtime /
 * p->ctr_id, as far as known.
 */
void ctrmeta_fill(struct ctrmeta *c, struct place *p);

#endif
