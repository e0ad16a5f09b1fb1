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
 * Cached by id; an id not found is looked for again after a while (a
 * container being created is written there a moment after it runs).
 */
struct ctrmeta;

/* storage: podman's storage root (NULL: the default).  NULL on ENOMEM. */
struct ctrmeta *ctrmeta_new(const char *storage);
void ctrmeta_free(struct ctrmeta *c);

/*
 * Fill p->ctr_name, p->image and p->image_id for p->runtime / p->ctr_id,
 * as far as known.
 */
void ctrmeta_fill(struct ctrmeta *c, struct place *p);

#endif
