// The project's own vector tiles (/tiles/, Mapbox Vector Tile 2.1) drawn on canvas, one
// canvas per tile: a Leaflet GridLayer, so Leaflet stays the one map engine. Decoded with
// Pbf (the protocol buffer reader, vendored from npm); styled per feature by the page's own
// style function, with features of one style drawn as one path. Canvas, not SVG: the
// densest ward at z15 is some 16,000 footprints, which as SVG elements took more than a
// second to draw (docs/performance.md).
(function (global) {
  "use strict";

  // ---- Decoding (vector-tile-spec 2.1: Tile.layers, Layer.features/keys/values/extent).
  function readValue(tag, value, pbf) {
    if (tag === 1) { value.v = pbf.readString(); }
    else if (tag === 2) { value.v = pbf.readFloat(); }
    else if (tag === 3) { value.v = pbf.readDouble(); }
    else if (tag === 4) { value.v = pbf.readVarint64(); }
    else if (tag === 5) { value.v = pbf.readVarint(); }
    else if (tag === 6) { value.v = pbf.readSVarint(); }
    else if (tag === 7) { value.v = pbf.readBoolean(); }
  }

  function readFeature(tag, feature, pbf) {
    if (tag === 1) { feature.id = pbf.readVarint(); }
    else if (tag === 2) { pbf.readPackedVarint(feature.tags); }
    else if (tag === 3) { feature.type = pbf.readVarint(); }
    else if (tag === 4) { pbf.readPackedVarint(feature.geometry); }
  }

  function readLayer(tag, layer, pbf) {
    if (tag === 1) { layer.name = pbf.readString(); }
    else if (tag === 2) { layer.features.push(pbf.readMessage(readFeature, { id: null, tags: [], type: 0, geometry: [] })); }
    else if (tag === 3) { layer.keys.push(pbf.readString()); }
    else if (tag === 4) { layer.values.push(pbf.readMessage(readValue, { v: null }).v); }
    else if (tag === 5) { layer.extent = pbf.readVarint(); }
  }

  function readTile(buffer) {
    var layers = [];
    new global.Pbf(new Uint8Array(buffer)).readFields(function (tag, list, pbf) {
      if (tag === 3) { list.push(pbf.readMessage(readLayer, { name: "", features: [], keys: [], values: [], extent: 4096 })); }
    }, layers);
    return layers;
  }

  function properties(layer, feature) {
    var out = {};
    for (var i = 0; i + 1 < feature.tags.length; i += 2) {
      out[layer.keys[feature.tags[i]]] = layer.values[feature.tags[i + 1]];
    }
    return out;
  }

  // A feature's geometry as the canvas path it adds (commands MoveTo 1, LineTo 2, ClosePath
  // 7, with zigzag-encoded deltas), scaled from the layer's extent to the tile's pixels.
  function trace(context, feature, scale, radius) {
    var g = feature.geometry;
    var x = 0;
    var y = 0;
    var i = 0;
    while (i < g.length) {
      var command = g[i] & 7;
      var count = g[i] >> 3;
      i += 1;
      if (command === 7) { context.closePath(); continue; }
      for (var n = 0; n < count; n += 1) {
        x += (g[i] >> 1) ^ -(g[i] & 1);
        y += (g[i + 1] >> 1) ^ -(g[i + 1] & 1);
        i += 2;
        if (feature.type === 1) {
          context.moveTo(x * scale + radius, y * scale);
          context.arc(x * scale, y * scale, radius, 0, 2 * Math.PI);
        } else if (command === 1) {
          context.moveTo(x * scale, y * scale);
        } else {
          context.lineTo(x * scale, y * scale);
        }
      }
    }
  }

  function alpha(opacity) {
    return opacity === undefined ? 1 : opacity;
  }

  // ---- Drawing: features grouped by style, each group one path filled and stroked once.
  function draw(canvas, layers, style, size) {
    var ratio = global.devicePixelRatio || 1;
    canvas.width = size * ratio;
    canvas.height = size * ratio;
    var context = canvas.getContext("2d");
    context.scale(ratio, ratio);
    var drawn = 0;
    layers.forEach(function (layer) {
      var scale = size / layer.extent;
      var groups = {};
      layer.features.forEach(function (feature) {
        var options = style({ id: feature.id, properties: properties(layer, feature), type: feature.type });
        if (!options) { return; }
        var key = JSON.stringify(options);
        (groups[key] = groups[key] || { options: options, features: [] }).features.push(feature);
        drawn += 1;
      });
      Object.keys(groups).forEach(function (key) {
        var group = groups[key];
        var o = group.options;
        context.beginPath();
        group.features.forEach(function (feature) { trace(context, feature, scale, o.radius || 4); });
        if (o.fill !== false && group.features[0].type !== 2) {
          context.globalAlpha = alpha(o.fillOpacity);
          context.fillStyle = o.fillColor || o.color;
          context.fill();
        }
        if (o.stroke !== false && o.weight) {
          context.globalAlpha = alpha(o.opacity);
          context.strokeStyle = o.color;
          context.lineWidth = o.weight;
          context.setLineDash(o.dashArray ? String(o.dashArray).split(/[ ,]+/).map(Number) : []);
          context.stroke();
        }
      });
    });
    context.globalAlpha = 1;
    return drawn;
  }

  var TileCanvas = L.GridLayer.extend({
    // options: url (a {z}/{x}/{y} template), style (feature -> Leaflet path options),
    // className (of each tile's canvas); and every GridLayer option (minZoom, maxZoom).
    initialize: function (url, options) {
      this._url = url;
      this._drawn = {};
      L.GridLayer.prototype.initialize.call(this, options);
      this.on("tileunload", function (event) { delete this._drawn[this._tileCoordsToKey(event.coords)]; }, this);
    },

    // How many features the tiles on the map hold (a feature near a tile's edge may be in
    // two tiles: their buffer).
    featureCount: function () {
      var drawn = this._drawn;
      return Object.keys(drawn).reduce(function (sum, key) { return sum + drawn[key]; }, 0);
    },

    createTile: function (coords, done) {
      var canvas = L.DomUtil.create("canvas", this.options.className || "");
      var size = this.getTileSize().x;
      var url = L.Util.template(this._url, { z: coords.z, x: coords.x, y: coords.y });
      var key = this._tileCoordsToKey(coords);
      var self = this;
      fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 204) { return new ArrayBuffer(0); }
          if (!response.ok) { throw new Error(response.status + " " + response.statusText); }
          return response.arrayBuffer();
        })
        .then(function (buffer) {
          self._drawn[key] = draw(canvas, readTile(buffer), self.options.style, size);
          done(null, canvas);
        })
        .catch(function (error) { done(error, canvas); });
      return canvas;
    },
  });

  global.IMISTiles = {
    layer: function (url, options) { return new TileCanvas(url, options); },
    readTile: readTile,
  };
})(window);
