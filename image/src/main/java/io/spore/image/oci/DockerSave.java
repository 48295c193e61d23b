package io.spore.image.oci;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The docker save format: manifest.json lists each image's config file and layer tars by name.
 * Names carry no digests in the old layout, so each layer is checked against its diff_id in the
 * config, and the config against its file name when that is its digest (it is, in every docker
 * and skopeo archive).
 */
final class DockerSave {
    private static final Pattern DIGEST_NAME = Pattern.compile("(?:blobs/sha256/)?([0-9a-f]{64})(?:\\.json)?");
    private static final Pattern BLOB_NAME = Pattern.compile("blobs/sha256/([0-9a-f]{64})");

    private DockerSave() {}

    private record Image(JsonNode entry, JsonNode config, Platform platform) {}

    static OciImporter.Prepared read(Archive a, Platform want, Spool spool) throws IOException {
        JsonNode list = OciImporter.json(Layers.named(a, "manifest.json", null, "the docker save manifest"), "manifest.json");
        if (!list.isArray() || list.isEmpty()) throw new IOException("manifest.json lists no image: the archive is damaged, save the image again");
        List<Image> images = new ArrayList<>();
        for (JsonNode e : list) {
            String cfgName = OciImporter.text(e, "Config", null);
            if (cfgName == null) throw new IOException("an image in manifest.json has no Config: the archive is damaged, save the image again");
            Matcher m = DIGEST_NAME.matcher(Archive.clean(cfgName) == null ? "" : Archive.clean(cfgName));
            Layers.Digest d = m.matches() ? new Layers.Digest(m.group(1)) : null;
            JsonNode config = OciImporter.json(Layers.named(a, cfgName, d, "the image config " + cfgName), "the image config " + cfgName);
            images.add(new Image(e, config, Platform.of(config)));
        }
        Image pick = choose(images, want);
        List<Layers.Digest> diffIds = OciImporter.diffIds(pick.config());
        JsonNode layers = pick.entry().path("Layers");
        if (!layers.isArray()) throw new IOException("manifest.json has no Layers list: the archive is damaged, save the image again");
        if (layers.size() != diffIds.size())
            throw new IOException("manifest.json lists " + layers.size() + " layers but the image config " + diffIds.size() + " diff_ids: the archive is damaged");
        LayerTree tree = new LayerTree();
        for (int i = 0; i < layers.size(); i++) {
            String name = layers.get(i).isTextual() ? layers.get(i).asText() : "";
            String what = "layer " + (i + 1) + " of " + layers.size() + " (" + name + ")";
            Matcher m = BLOB_NAME.matcher(Archive.clean(name) == null ? "" : Archive.clean(name));
            Layers.Digest blob = m.matches() ? new Layers.Digest(m.group(1)) : null;
            Layers.apply(a, name, blob, -1, diffIds.get(i), tree, i, spool, what);
        }
        return new OciImporter.Prepared(tree, spool, "docker save archive",
                pick.platform() == null ? "unknown" : pick.platform().toString(), layers.size(), OciImporter.config(pick.config()));
    }

    private static Image choose(List<Image> images, Platform want) throws IOException {
        if (want == null && images.size() == 1) return images.getFirst();
        Platform target = want != null ? want : Platform.host();
        List<Image> fit = images.stream().filter(i -> i.platform() != null && target.matches(i.platform())).toList();
        if (fit.size() == 1) return fit.getFirst();
        if (fit.isEmpty()) {
            Set<String> have = new LinkedHashSet<>();
            images.forEach(i -> have.add(i.platform() == null ? "unknown" : i.platform().toString()));
            throw new IOException("the archive has no image for " + target + " (it has " + String.join(", ", have)
                    + "): give --platform with one of those");
        }
        List<String> tags = new ArrayList<>();
        fit.forEach(i -> tags.add(i.entry().path("RepoTags").toString()));
        throw new IOException("the archive holds " + fit.size() + " images for " + target + " (" + String.join(", ", tags)
                + "): save only the one you want (docker save IMAGE:TAG)");
    }
}
